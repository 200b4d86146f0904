# soak.py: a long-running target that never settles: random call chains through 16 functions
# (up to 16^4 distinct stacks), threads that come and go, children forked, and new code
# objects compiled at run time. Half of the time it sleeps, so an hour of it leaves the
# machine usable.
import os
import random
import threading
import time
import warnings

warnings.simplefilter("ignore")  # fork() in a threaded process
random.seed(2)
SOURCE = """
def g%d(depth):
    if depth == 0:
        x = 0
        for i in range(300):
            x += i
        return x
    return FUNCS[random.randrange(len(FUNCS))](depth - 1)
"""
namespace = {"random": random}
for i in range(16):
    exec(SOURCE % i, namespace)
FUNCS = [namespace["g%d" % i] for i in range(16)]
namespace["FUNCS"] = FUNCS


def worker():
    for _ in range(20):
        FUNCS[random.randrange(16)](random.randrange(0, 4))


k = 0
while True:
    start = time.time()
    while time.time() - start < 0.01:
        FUNCS[random.randrange(16)](random.randrange(0, 4))
    k += 1
    if k % 5 == 0:
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    if k % 50 == 0 and os.fork() == 0:
        os._exit(0)
    if k % 7 == 0:
        # A fresh code object at a fresh address, as templates and eval'd lambdas make.
        fn = eval(compile("lambda: %d" % k, "<generated %d>" % k, "eval"))
        fn()
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        pass
    time.sleep(0.01)
