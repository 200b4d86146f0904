# idle.py: the only thread sleeps, so it never holds the GIL while sampled. It wakes every 5 s
# only: a wake is a moment of C code without the GIL that a sampler may rightly catch (a
# 0.2 s run of t30 caught one now and then when it woke every 0.5 s).
#   idle.py READY_FILE
import sys
import time


def doze(ready):
    open(ready, "w").close()
    while True: time.sleep(5)  # @doze


doze(sys.argv[1])  # @module
