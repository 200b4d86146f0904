# async_parent.py: a parent with no asyncio of its own that runs async_tree.py as its child,
# for `pyflame dump --async -C`. Runs under 3.x.
#   async_parent.py READY_FILE [CHILD_PYTHON]
# The child (CHILD_PYTHON, default this interpreter) makes READY_FILE once its tasks are
# parked; the parent waits for it in wait() until killed, and the child is killed with it.
import ctypes
import os
import signal
import subprocess
import sys


def die_with_parent():
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def wait(child):
    child.wait()  # @wait


def main(ready, child_python):
    tree = os.path.join(os.path.dirname(os.path.abspath(__file__)), "async_tree.py")
    wait(subprocess.Popen([child_python, tree, ready], preexec_fn=die_with_parent))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else sys.executable)
