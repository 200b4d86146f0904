# churn.py: a target whose stacks keep changing: random call chains through many distinct
# functions, so a long profile meets many thousands of distinct stacks (for the memory bound).
import random

random.seed(1)
SOURCE = """
def f%d(depth):
    if depth == 0:
        x = 0
        for i in range(200):
            x += i
        return x
    return FUNCS[random.randrange(len(FUNCS))](depth - 1)
"""
namespace = {"random": random}
for i in range(64):
    exec(SOURCE % i, namespace)  # each its own code object, so its own frame
FUNCS = [namespace["f%d" % i] for i in range(64)]
namespace["FUNCS"] = FUNCS
while True:
    FUNCS[random.randrange(len(FUNCS))](random.randrange(1, 6))
