# idle_threads.py: a server-like process: many threads blocked (waiting on an Event, as a pool
# of workers waits for jobs) and one thread busy in a known call chain: the main thread, or
# with "relay" a succession of threads that work 0.3 s each while the main thread waits for
# them (a new thread often gets the pthread_t of the one before, with a new OS thread id); or
# with "idle" none: the main thread waits like the others (an idle server).
#   idle_threads.py READY_FILE [THREADS [relay|idle]]   (runs until killed)
import sys
import threading
import time

waiting = threading.Event()


def work():
    n = 0
    while True: n += 1  # @work


def work_for(seconds):
    end = time.time() + seconds
    while time.time() < end: pass  # @relay


threads = [threading.Thread(target=waiting.wait) for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 16)]
for t in threads:
    t.daemon = True
    t.start()
open(sys.argv[1], "w").close()
if sys.argv[3:] == ["idle"]:
    waiting.wait()  # @idle
if sys.argv[3:] == ["relay"]:
    while True:
        t = threading.Thread(target=work_for, args=(0.3,))
        t.start()
        t.join()
work()  # @module
