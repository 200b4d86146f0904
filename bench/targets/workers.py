# workers.py: the benchmark's target for --subprocesses (-C): a parent that forks N busy
# worker processes (multiprocessing, fork start method) and waits for them. Each worker spins
# pure Python at a known stack depth (work.py's spin under the same depth-30 recursion), so
# every process-sample of a worker walks the same stack. The parent only waits (an idle
# sample). Runs under Python 3.
#   workers.py [--workers N] [--depth D] [--ready FILE]
# The ready file is written once every worker has started its loop. SIGTERM to the parent kills
# and reaps the workers; each worker also gets SIGKILL when its parent ends, however it ends.
# The bench starts the parent in its own process group and kills the group at the end.
import multiprocessing
import os
import signal
import sys

args = sys.argv[1:]


def opt(name, default):
    if name in args:
        return type(default)(args[args.index(name) + 1])
    return default


WORKERS = opt("--workers", 1)
DEPTH = opt("--depth", 30)
READY = opt("--ready", "")


def spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


def descend(depth, fn):
    if depth <= 1:
        return fn()
    return descend(depth - 1, fn)


def busy():
    while True:
        spin(1000)


def die_with_parent(parent):
    """Asks for SIGKILL when the parent ends, however it ends (SIGKILL included, which the
    daemon flag's atexit never sees); gone already if it ended before the request."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    if os.getppid() != parent:
        os._exit(0)


def worker(parent, started):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler is not a worker's
    die_with_parent(parent)
    started.release()
    descend(DEPTH, busy)


procs = []


def end(signum, frame):
    # The workers are killed and reaped here, so none is left behind as a zombie.
    for p in procs:
        if p.pid:
            p.kill()
    for p in procs:
        if p.pid:
            p.join()
    os._exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, end)
    ctx = multiprocessing.get_context("fork")
    started = ctx.Semaphore(0)
    for _ in range(WORKERS):
        p = ctx.Process(target=worker, args=(os.getpid(), started), daemon=True)
        procs.append(p)
        p.start()
    for _ in procs:
        started.acquire()
    if READY:
        open(READY, "w").close()
    for p in procs:
        p.join()
