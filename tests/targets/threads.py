# threads.py: two threads spinning in different functions, started with the low-level thread
# module so that no threading.py frames (whose lines differ by version) sit under them; the
# main thread sleeps in a known place.
#   threads.py READY_FILE
import sys
import threading  # registers this thread as "MainThread"; the workers below stay unnamed
import time

try:
    import _thread as thread
except ImportError:  # Python 2
    import thread

started = []


def spin_a():
    started.append("a")
    while True: pass  # @spin_a


def spin_b():
    started.append("b")
    while True: pass  # @spin_b


def wait_main(ready):
    while len(started) < 2: time.sleep(0.01)
    open(ready, "w").close()
    while True: time.sleep(0.5)  # @wait_main


thread.start_new_thread(spin_a, ())
thread.start_new_thread(spin_b, ())
wait_main(sys.argv[1])  # @module
