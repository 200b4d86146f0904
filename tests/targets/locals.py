# -*- coding: utf-8 -*-
# locals.py READY IDS: known local variables in several frames, for `pyflame dump --locals`
# (tests/e2e/t41-dump-locals.sh). The main thread sleeps in leaf(), called from inner(), a
# closure of outer(); a thread "deep" sleeps at the bottom of a 1000-frame recursion. IDS gets
# "NAME 0xADDRESS" lines for the objects whose repr holds their address. Runs on 2.7 and 3.x.
import sys
import threading
import time

READY, IDS = sys.argv[1], sys.argv[2]
DEPTH = 1000
sys.setrecursionlimit(DEPTH + 500)
deep_ready = threading.Event()


def note(name, obj):
    """Adds "NAME 0xADDRESS" of obj to IDS (a function of its own: no local of the frames
    dumped holds the file)."""
    f = open(IDS, "a")
    f.write("%s 0x%x\n" % (name, id(obj)))
    f.close()


class Point(object):
    def __init__(self, x, y):
        self.x = x
        self.y = y


def recurse(n):
    if n == 0:
        deep_ready.set()
        while True:
            time.sleep(100)  # @deep
    return recurse(n - 1)  # @recurse


def leaf(captured):
    small = 42
    negative = -7
    medium = 2 ** 64
    big_negative = -(2 ** 127 - 1)
    huge = 10 ** 100
    ratio = 0.1
    third = 1 / 3.0
    flag = True
    nothing = None
    text = u"h\u00e9llo w\u00f6rld \u2713"
    raw = b"\x00ab'\n\xff"
    pair = (1, u"two", 3.5)
    many = list(range(1000000))
    table = {u"a": 1, u"b": [1, 2]}
    members = set([1, 2, 3])
    point = Point(1, 2)
    note("point", point)
    open(READY, "w").close()
    while True:
        time.sleep(100)  # @leaf


def outer():
    label = u"outer"
    captured = [u"x"]

    def inner():
        return leaf(captured)  # @inner

    note("inner", inner)
    return inner()  # @outer


threading.Thread(target=recurse, args=(DEPTH - 1,), name="deep").start()
deep_ready.wait()
outer()  # @module
