# work.py: the benchmark's target. A fixed amount of pure-Python work at a chosen stack depth,
# in a chosen number of threads; or, with --shares, functions that take a known 60/30/10 share
# of the time. --idle B adds B threads that stay blocked (a server's idle pool). Runs under
# Python 2.7 and 3.x.
# --print-time prints how long the work itself took ("work SECONDS", its own clock), so that
# start-up (the profiler's, and starting B threads) is not counted. --progress FILE: timed work
# keeps its count of spin(1000) calls done in FILE's first 8 bytes (little-endian, mapped), for
# a reader that compares its rate in phases profiled and not, within one run. --wait: no work
# at all, the main thread waits too, at depth N (an idle server: every thread blocked), until
# killed.
#   work.py [--depth N] [--threads T] [--idle B] [--seconds S | --iterations K] [--shares]
#           [--wait] [--ready FILE] [--print-time] [--progress FILE]
import mmap
import os
import struct
import sys
import threading
import time

args = sys.argv[1:]


def opt(name, default):
    if name in args:
        return type(default)(args[args.index(name) + 1])
    return default


DEPTH = opt("--depth", 30)
THREADS = opt("--threads", 1)
IDLE = opt("--idle", 0)
SECONDS = opt("--seconds", 0.0)
ITERATIONS = opt("--iterations", 0)
READY = opt("--ready", "")
PROGRESS = opt("--progress", "")


def spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


def descend(depth, fn):
    if depth <= 1:
        return fn()
    return descend(depth - 1, fn)


def progress_counter():
    """The count's store: a function that writes k into PROGRESS's first 8 bytes."""
    with open(PROGRESS, "wb") as f:
        f.write(b"\0" * 4096)
    with open(PROGRESS, "r+b") as f:
        shared = mmap.mmap(f.fileno(), 4096)
    return lambda k: struct.pack_into("<q", shared, 0, k)


def busy():
    # Either a wall-clock budget or a fixed amount of work (for slowdown measurements).
    if ITERATIONS:
        for _ in range(ITERATIONS):
            spin(1000)
        return
    end = time.time() + (SECONDS or 1e9)
    done = 0
    while time.time() < end:
        spin(1000)
        if COUNT:
            done += 1
            COUNT(done)


def share_a():
    spin(600000)


def share_b():
    spin(300000)


def share_c():
    spin(100000)


def shares():
    end = time.time() + (SECONDS or 1e9)
    while time.time() < end:
        share_a()
        share_b()
        share_c()


body = shares if "--shares" in args else busy
# Made before any worker runs busy() and before READY says the target is ready.
COUNT = progress_counter() if PROGRESS else None


def fatal(hook):
    # A worker's exception ends the whole target, so that the bench sees it die (an exit
    # status) rather than measure a process whose busy threads are gone.
    sys.stderr.write("work.py: worker %s failed: %r\n" % (hook.thread.name, hook.exc_value))
    sys.stderr.flush()
    os._exit(3)


if hasattr(threading, "excepthook"):  # 3.8+
    threading.excepthook = fatal
workers = [threading.Thread(target=descend, args=(DEPTH, body)) for _ in range(THREADS - 1)]
never = threading.Event()
workers += [threading.Thread(target=never.wait) for _ in range(IDLE)]
for w in workers:
    w.daemon = True
    w.start()
if READY:
    open(READY, "w").close()
started = time.time()
if "--wait" in args:
    descend(DEPTH, never.wait)
descend(DEPTH, body)
if "--print-time" in args:
    sys.stdout.write("work %.6f\n" % (time.time() - started))
