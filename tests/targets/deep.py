# deep.py: a 400-deep recursion spinning at the bottom, to show stacks are never cut short.
#   deep.py READY_FILE
import sys
import time


def bottom(ready):
    open(ready, "w").close()
    while True: pass  # @bottom


def down(n, ready):
    if n == 0:
        bottom(ready)  # @down_base
    down(n - 1, ready)  # @down


down(399, sys.argv[1])  # @module
