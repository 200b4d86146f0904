# keys.py: sorted() calls a key function written in Python for every item, so the thread enters
# the eval loop from C hundreds of thousands of times a second; on 3.11 and 3.12 each entry has
# a moment when the thread's current frame is not set yet (python/walker.h, struct py_link).
# Runs under Python 2.7 and 3.x.
#   keys.py READY_FILE [SECONDS]   (SECONDS absent: run until killed)
import sys
import time


def key(x):
    for _ in range(4):  # a little work, so that samples land in it too
        x = x ^ 1  # @key
    return x


def sort_many(ready, end):
    data = list(range(200))
    open(ready, "w").close()
    while time.time() < end:
        sorted(data, key=key)  # @sorted


sort_many(sys.argv[1], time.time() + (float(sys.argv[2]) if len(sys.argv) > 2 else 1e9))  # @module
