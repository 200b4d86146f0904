# callback.py: Python calls C that calls Python: libc's qsort, through ctypes, sorts with a
# Python comparison that spins, so most samples stop inside it with qsort's frames between
# the caller and the callback. Lines marked "# @name" are found by the tests.
# Runs under Python 2.7 and 3.x.
#   callback.py READY_FILE [SECONDS]   (SECONDS absent: run until killed)
import ctypes
import ctypes.util
import sys
import time

libc = ctypes.CDLL(ctypes.util.find_library("c"))
CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))


def compare(a, b):
    end = time.time() + 0.001
    while time.time() < end: pass  # @compare
    return a[0] - b[0]


def sort_it(ready, end):
    if ready:
        open(ready, "w").close()
    cmp = CMP(compare)
    while time.time() < end:
        values = (ctypes.c_int * 64)(*range(64, 0, -1))
        libc.qsort(values, len(values), ctypes.sizeof(ctypes.c_int), cmp)  # @qsort


seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1e9
sort_it(sys.argv[1] if len(sys.argv) > 1 else "", time.time() + seconds)  # @module
