# busy.py: one thread spinning in a known call chain. Lines marked "# @name" are found by the
# tests with grep, so editing this file does not break them. Runs under Python 2.7 and 3.x.
#   busy.py READY_FILE [SECONDS]   (SECONDS absent: spin until killed)
import sys
import time


def spin(ready, end):
    if ready:
        open(ready, "w").close()
    while time.time() < end: pass  # @spin


def inner(ready, end):
    spin(ready, end)  # @inner


def outer(ready, end):
    inner(ready, end)  # @outer


seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1e9
outer(sys.argv[1] if len(sys.argv) > 1 else "", time.time() + seconds)  # @module
