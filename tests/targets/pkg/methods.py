# pkg/methods.py: Job.__init__ again, in a file whose base name is the caller's too; spins
# here (see tests/targets/methods.py).
import time


class Job(object):
    def __init__(self, ready, end):
        if ready:
            open(ready, "w").close()
        while time.time() < end: pass  # @spin
