# churn.py: a process that never holds still: it starts and ends threads all the time, forks
# children that exit at once, and (with EXEC_AFTER) exec()s itself into busy.py part way.
# The main thread's loop is the steady stack.
#   churn.py READY_FILE [EXEC_AFTER_SECONDS]
import os
import sys
import threading
import time
import warnings

warnings.simplefilter("ignore")  # 3.12+ warns about fork() in a threaded process


def short_job():
    n = 0
    for i in range(2000): n += i  # @short_job
    return n


def churn(ready, exec_after):
    open(ready, "w").close()
    start = time.time()
    k = 0
    while True:
        threads = [threading.Thread(target=short_job) for _ in range(4)]
        for t in threads: t.start()
        for t in threads: t.join()  # @churn_join
        k += 1
        if k % 10 == 0:
            pid = os.fork()
            if pid == 0:
                short_job()
                os._exit(0)
            os.waitpid(pid, 0)  # @churn_wait
        if exec_after and time.time() - start > exec_after:
            here = os.path.dirname(os.path.abspath(__file__))
            os.execv(sys.executable, [sys.executable, os.path.join(here, "busy.py"), ""])


churn(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0)  # @module
