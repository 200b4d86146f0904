# idle_threads.py: a server-like process: many threads blocked (waiting on an Event, as a pool
# of workers waits for jobs) and the main thread busy in a known call chain.
#   idle_threads.py READY_FILE [THREADS]   (spins until killed)
import sys
import threading

waiting = threading.Event()


def work():
    n = 0
    while True: n += 1  # @work


threads = [threading.Thread(target=waiting.wait) for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 16)]
for t in threads:
    t.daemon = True
    t.start()
open(sys.argv[1], "w").close()
work()  # @module
