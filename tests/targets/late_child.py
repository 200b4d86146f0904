# late_child.py: a parent whose children come and go while it is profiled, for --subprocesses.
# Lines marked "# @name" are found by the tests with grep. Runs under 2.7 and 3.x.
#   late_child.py READY_FILE parent GO_FILE SECONDS
# The parent starts an "early" child at once and makes READY_FILE when that child spins. Once
# GO_FILE exists (made by the test once pyflame samples, so that -p finds the early child alive
# at its start) the parent spins 0.3 s, starts a "late" child (born during the run), tells the
# early one to end (it exits before the parent does), waits for both, then spins SECONDS more
# and exits. Each child spins in child -> burn and prints "early PID" or "late PID"; the late
# one spins 0.5 s. The parent prints "early exited" and "late exited" as they end.
import os
import subprocess
import sys
import time


def burn(end):
    while time.time() < end: pass  # @burn


def child(which, running, stop):
    sys.stdout.write("%s %d\n" % (which, os.getpid()))
    sys.stdout.flush()
    open(running, "w").close()
    if which == "late":
        burn(time.time() + 0.5)  # @child_late
        return
    while not os.path.exists(stop):
        burn(time.time() + 0.02)  # @child_early


def spin_until(end):
    burn(end)  # @spin_until


def wait_file(path):
    while not os.path.exists(path):
        time.sleep(0.01)


def parent(ready, go, seconds):
    here = os.path.abspath(__file__)
    base = ready or go
    early = subprocess.Popen([sys.executable, here, "", "early", base + ".early", base + ".stop"])
    wait_file(base + ".early")
    if ready:
        open(ready, "w").close()
    if go:
        wait_file(go)
    spin_until(time.time() + 0.3)  # @parent_first
    late = subprocess.Popen([sys.executable, here, "", "late", base + ".late", ""])
    wait_file(base + ".late")
    open(base + ".stop", "w").close()
    early.wait()
    sys.stdout.write("early exited\n")
    sys.stdout.flush()
    late.wait()
    sys.stdout.write("late exited\n")
    sys.stdout.flush()
    spin_until(time.time() + seconds)  # @parent_last


if __name__ == "__main__":
    if sys.argv[2] == "parent":
        parent(sys.argv[1], sys.argv[3], float(sys.argv[4]))  # @module_parent
    else:
        child(sys.argv[2], sys.argv[3], sys.argv[4])  # @module_child
