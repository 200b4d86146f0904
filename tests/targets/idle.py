# idle.py: the only thread sleeps, so it never holds the GIL while sampled.
#   idle.py READY_FILE
import sys
import time


def doze(ready):
    open(ready, "w").close()
    while True: time.sleep(0.5)  # @doze


doze(sys.argv[1])  # @module
