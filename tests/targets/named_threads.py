# -*- coding: utf-8 -*-
# named_threads.py: two threading.Thread objects with known names, each sleeping in a known
# function, and the main thread (named MainThread by threading) sleeping in another. The
# names live only in the threading module's objects (no CPython up to 3.13 tells the OS).
#   named_threads.py READY_FILE
import sys
import threading
import time

if sys.version_info[0] >= 3:
    WORKER_NAME = "worker-\u03b1"  # "worker-α": a non-ASCII name, kind-2 PEP 393 str
else:
    WORKER_NAME = "worker-a"  # 2.7's Thread.__init__ does str(name): ASCII only

running = []


def worker_loop():
    running.append("worker")
    while True: time.sleep(0.5)  # @worker_loop


def sleeper_loop():
    running.append("sleeper")
    while True: time.sleep(0.5)  # @sleeper_loop


def wait_main(ready):
    while len(running) < 2: time.sleep(0.01)
    open(ready, "w").close()
    while True: time.sleep(0.5)  # @wait_main


for name, func in ((WORKER_NAME, worker_loop), ("sleeper", sleeper_loop)):
    t = threading.Thread(target=func, name=name)
    t.daemon = True  # the test kills the process; nothing to join
    t.start()
wait_main(sys.argv[1])  # @module
