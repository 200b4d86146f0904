# cext_user.py: Python -> C -> Python -> C through tests/targets/cext.c (built by the test
# next to this run's files; its directory is the first argument after READY_FILE).
# Lines marked "# @name" are found by the tests. Runs under Python 2.7 and 3.x.
#   cext_user.py READY_FILE MODULE_DIR
import sys

sys.path.insert(0, sys.argv[2])
import cext  # noqa: E402


def inner():
    cext.spin(0.05)  # @inner


def outer(ready):
    if ready:
        open(ready, "w").close()
    while True:
        cext.call_back(inner)  # @outer


outer(sys.argv[1])  # @module
