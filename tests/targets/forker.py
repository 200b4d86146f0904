# forker.py: a parent that forks many short-lived children, for --subprocesses: each child runs
# a little Python (job, a loop of 5 milliseconds) and exits; two more children linger, asleep
# in linger(), until the parent is killed. Lines marked "# @name" are found by the tests with
# grep. Runs under 2.7 and 3.x.
#   forker.py READY_FILE GO_FILE CHILDREN [BATCH]
# Makes READY_FILE once the lingering children run, waits for GO_FILE, then forks CHILDREN
# children BATCH (default 10) at a time, reaping each batch before the next; prints
# "reaped N" when all are, then waits in idle() until killed.
import os
import sys
import time


def job(ms):
    end = time.time() + ms / 1000.0
    n = 0
    while time.time() < end: n += 1  # @job
    return n


def linger():
    while True:
        time.sleep(0.05)  # @linger


def fork_child(fn):
    pid = os.fork()
    if pid == 0:
        try:
            fn()
        finally:
            os._exit(0)
    return pid


def idle():
    while True:
        time.sleep(0.05)  # @idle


def main(ready, go, children, batch):
    lingering = [fork_child(linger) for _ in range(2)]
    sys.stdout.write("lingering %s\n" % " ".join(str(p) for p in lingering))
    sys.stdout.flush()
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.01)
    reaped = 0
    while reaped < children:
        pids = [fork_child(lambda: job(5)) for _ in range(min(batch, children - reaped))]
        for pid in pids:
            os.waitpid(pid, 0)
            reaped += 1
    sys.stdout.write("reaped %d\n" % reaped)
    sys.stdout.flush()
    idle()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 10)  # @module
