# released.py: the main thread compresses in C with the GIL let go (zlib releases it for the
# whole call), beside a thread that sleeps. Lines marked "# @name" are found by the tests.
# Runs under Python 2.7 and 3.x.
#   released.py READY_FILE [SECONDS]   (SECONDS absent: run until killed)
import sys
import threading
import time
import zlib

DATA = b"".join(str(i).encode() for i in range(400000))


def sleeper():
    while True:
        time.sleep(1)  # @sleep


def crunch(ready, end):
    if ready:
        open(ready, "w").close()
    while time.time() < end:
        zlib.compress(DATA, 9)  # @compress


t = threading.Thread(target=sleeper)
t.daemon = True
t.start()
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1e9
crunch(sys.argv[1] if len(sys.argv) > 1 else "", time.time() + seconds)  # @module
