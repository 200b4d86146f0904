# alternate.py: two call chains as like as can be, taken in turn as fast as they go: a1 -> a2 ->
# ... and b1 -> b2 -> ..., to depths 2, 7 and 12 by turns. From 3.11 each chain's frames sit at
# the same addresses in the data stack as the other's, and change all the time: a stack read
# while the thread runs through it can come out mixed (a3 under b2) or with a caller not at its
# call (aK's call is the line after its def), and no real stack is either.
#   alternate.py READY_FILE
import sys

def a1(d):
    if d > 1: return a2(d)
    n = 0
    for i in range(8): n += i
    return n


def a2(d):
    if d > 2: return a3(d)
    n = 0
    for i in range(8): n += i
    return n


def a3(d):
    if d > 3: return a4(d)
    n = 0
    for i in range(8): n += i
    return n


def a4(d):
    if d > 4: return a5(d)
    n = 0
    for i in range(8): n += i
    return n


def a5(d):
    if d > 5: return a6(d)
    n = 0
    for i in range(8): n += i
    return n


def a6(d):
    if d > 6: return a7(d)
    n = 0
    for i in range(8): n += i
    return n


def a7(d):
    if d > 7: return a8(d)
    n = 0
    for i in range(8): n += i
    return n


def a8(d):
    if d > 8: return a9(d)
    n = 0
    for i in range(8): n += i
    return n


def a9(d):
    if d > 9: return a10(d)
    n = 0
    for i in range(8): n += i
    return n


def a10(d):
    if d > 10: return a11(d)
    n = 0
    for i in range(8): n += i
    return n


def a11(d):
    if d > 11: return a12(d)
    n = 0
    for i in range(8): n += i
    return n


def a12(d):
    if d > 12: return 0
    n = 0
    for i in range(8): n += i
    return n


def b1(d):
    if d > 1: return b2(d)
    n = 0
    for i in range(8): n += i
    return n


def b2(d):
    if d > 2: return b3(d)
    n = 0
    for i in range(8): n += i
    return n


def b3(d):
    if d > 3: return b4(d)
    n = 0
    for i in range(8): n += i
    return n


def b4(d):
    if d > 4: return b5(d)
    n = 0
    for i in range(8): n += i
    return n


def b5(d):
    if d > 5: return b6(d)
    n = 0
    for i in range(8): n += i
    return n


def b6(d):
    if d > 6: return b7(d)
    n = 0
    for i in range(8): n += i
    return n


def b7(d):
    if d > 7: return b8(d)
    n = 0
    for i in range(8): n += i
    return n


def b8(d):
    if d > 8: return b9(d)
    n = 0
    for i in range(8): n += i
    return n


def b9(d):
    if d > 9: return b10(d)
    n = 0
    for i in range(8): n += i
    return n


def b10(d):
    if d > 10: return b11(d)
    n = 0
    for i in range(8): n += i
    return n


def b11(d):
    if d > 11: return b12(d)
    n = 0
    for i in range(8): n += i
    return n


def b12(d):
    if d > 12: return 0
    n = 0
    for i in range(8): n += i
    return n


def main(ready):
    open(ready, "w").close()
    while True:
        for d in (2, 7, 12):
            a1(d)  # @main_a
            b1(d)  # @main_b


main(sys.argv[1])  # @module
