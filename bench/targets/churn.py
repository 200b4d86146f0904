# churn.py: a target whose stacks keep changing: random call chains through many functions,
# so a long profile meets thousands of distinct stacks (for the memory bound).
import random
import sys

random.seed(1)
NAMES = ["f%d" % i for i in range(64)]


def make(name):
    def fn(depth):
        if depth == 0:
            x = 0
            for i in range(200):
                x += i
            return x
        return FUNCS[random.randrange(len(FUNCS))](depth - 1)
    fn.__name__ = name
    return fn


FUNCS = [make(n) for n in NAMES]
while True:
    FUNCS[random.randrange(len(FUNCS))](random.randrange(1, 6))
