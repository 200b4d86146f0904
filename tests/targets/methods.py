# methods.py: a call chain through methods and a nested function, for qualified names (from
# 3.11 frames are named by co_qualname: "Job.__init__", "Job.run.<locals>.step"; before, by
# co_name), ending in a class of the same name with a method of the same name in another file
# of the same base name (pkg/methods.py), which every format must tell apart. Lines marked
# "# @name" are found by the tests with grep. Runs under Python 2.7 and 3.x.
#   methods.py READY_FILE [SECONDS]   (SECONDS absent: spin until killed)
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ or .pyc left in the source tree
from pkg import methods as other


class Job(object):
    def __init__(self, ready, end):
        self.run(ready, end)  # @init

    def run(self, ready, end):
        def step():
            other.Job(ready, end)  # @step
        step()  # @run


seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1e9
Job(sys.argv[1] if len(sys.argv) > 1 else "", time.time() + seconds)  # @module
