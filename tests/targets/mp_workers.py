# mp_workers.py: a parent whose worker processes spin in a known call chain (work -> burn), for
# --subprocesses. Lines marked "# @name" are found by the tests with grep. Runs under 2.7 and 3.x.
#   mp_workers.py READY_FILE HOW SECONDS [WORKERS]
# HOW: fork, spawn or forkserver: one multiprocessing.Process per worker, each running
# work(SECONDS) (2.7 knows only fork); executor-fork, executor-spawn or executor-forkserver: a
# ProcessPoolExecutor of WORKERS (default 2) processes given WORKERS calls of work(SECONDS).
# Prints "worker PID" for each worker process (for the executor, the PIDs that ran the calls),
# then "done". With a READY_FILE, it is made once every worker is in burn(), and the parent
# then waits in join (or the pool's result) until the workers are done.
import os
import sys
import time


def burn(end):
    while time.time() < end: pass  # @burn


def work(seconds, flags):
    if flags:
        # Seen by the parent: this worker is about to spin.
        open(os.path.join(flags, str(os.getpid())), "w").close()
    burn(time.time() + seconds)  # @work
    return os.getpid()


def wait_flags(flags, n):
    while len(os.listdir(flags)) < n:
        time.sleep(0.01)


def with_processes(how, seconds, n, ready, flags):
    import multiprocessing
    if hasattr(multiprocessing, "get_context"):
        ctx = multiprocessing.get_context(how)
    elif how == "fork":
        ctx = multiprocessing
    else:
        sys.exit("mp_workers: Python %d.%d has no start method %s" % (sys.version_info[0], sys.version_info[1], how))
    procs = [ctx.Process(target=work, args=(seconds, flags)) for _ in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        sys.stdout.write("worker %d\n" % p.pid)
    sys.stdout.flush()
    if ready:
        wait_flags(flags, n)
        open(ready, "w").close()
    for p in procs:
        p.join()  # @join


def with_executor(how, seconds, n, ready, flags):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    if sys.version_info >= (3, 7):
        ex = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context(how))
    elif how == "fork":
        ex = ProcessPoolExecutor(max_workers=n)
    else:
        sys.exit("mp_workers: Python 3.6's ProcessPoolExecutor takes no start method")
    futures = [ex.submit(work, seconds, flags) for _ in range(n)]
    if ready:
        wait_flags(flags, n)
        open(ready, "w").close()
    pids = sorted(set(f.result() for f in futures))  # @result
    ex.shutdown()
    for pid in pids:
        sys.stdout.write("worker %d\n" % pid)
    sys.stdout.flush()


def main():
    import warnings
    warnings.simplefilter("ignore")  # 3.12+ warns about fork() in a threaded process
    ready, how, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    flags = ""
    if ready:
        flags = ready + ".workers"
        os.mkdir(flags)
    if how.startswith("executor-"):
        with_executor(how[len("executor-"):], seconds, n, ready, flags)
    else:
        with_processes(how, seconds, n, ready, flags)
    sys.stdout.write("done\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()  # @module
