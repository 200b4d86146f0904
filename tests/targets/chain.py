# chain.py: a Python parent that runs a shell that runs Python (python -> sh -> python), for
# --subprocesses: the grandchild spins in a known call chain, the shell in between is no Python.
# Lines marked "# @name" are found by the tests with grep. Runs under 2.7 and 3.x.
#   chain.py READY_FILE parent SECONDS   prints "sh PID" and "grandchild PID", waits for the shell
#   chain.py READY_FILE child SECONDS    (run by the shell) spins SECONDS in child -> burn
# With a READY_FILE, the grandchild makes it just before it spins.
import os
import subprocess
import sys
import time


def burn(end):
    while time.time() < end: pass  # @burn


def child(ready, seconds):
    sys.stdout.write("grandchild %d\n" % os.getpid())
    sys.stdout.flush()
    if ready:
        open(ready, "w").close()
    burn(time.time() + seconds)  # @child


def parent(ready, seconds):
    # "; exit" keeps the shell from exec()ing the command in its own place.
    cmd = "'%s' '%s' '%s' child %s; exit $?" % (sys.executable, os.path.abspath(__file__), ready, seconds)
    sh = subprocess.Popen(["sh", "-c", cmd])
    sys.stdout.write("sh %d\n" % sh.pid)
    sys.stdout.flush()
    sys.exit(sh.wait())  # @parent


if __name__ == "__main__":
    {"parent": parent, "child": child}[sys.argv[2]](sys.argv[1], float(sys.argv[3]))  # @module
