# top.py: two named threads for `pyflame top`: "hot-a" spins in hot_a without end, "hot-b"
# burns a while in hot_b and sleeps as long, so hot_a takes the larger share. Both run under
# one function, runner, whose total is then the largest while its own stays near nothing. The
# threads start with the low-level thread module (no threading.py frames under them, whose lines
# differ by version) and name themselves through threading. It says on stdout when it is ready
# (what a terminal shows of a command that `pyflame top -t` ran, once the view has ended).
#   top.py READY_FILE
import sys
import threading
import time

try:
    import _thread as thread
except ImportError:  # Python 2
    import thread

started = []


def hot_a():
    while True: pass  # @hot_a


def hot_b():
    while True:
        for i in range(300000): pass  # @hot_b
        time.sleep(0.002)


def runner(name, work):
    threading.current_thread().name = name
    started.append(name)
    work()  # @runner


def wait_main(ready):
    while len(started) < 2: time.sleep(0.01)
    open(ready, "w").close()
    sys.stdout.write("top.py: both threads started\n")
    sys.stdout.flush()
    while True: time.sleep(0.5)  # @wait_main


thread.start_new_thread(runner, ("hot-a", hot_a))
thread.start_new_thread(runner, ("hot-b", hot_b))
wait_main(sys.argv[1])  # @module
