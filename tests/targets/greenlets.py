# greenlets.py: two greenlets take turns, each spinning in a function of its own between
# switches. greenlet gives each its own C stack and moves the thread's frames between them
# itself (on 3.11 and 3.12, tstate->cframe too), which a walk must still read as they are.
#   greenlets.py READY_FILE SECONDS
import sys
import time

from greenlet import greenlet

deadline = 0.0


def spin(n):
    x = 0
    for i in range(n):  # @spin
        x += i * i
    return x


def ping():
    while time.monotonic() < deadline:
        spin(5000)  # @ping
        pong.switch()


def pong():
    while time.monotonic() < deadline:
        spin(5000)  # @pong
        ping.switch()


def main(ready, seconds):
    global deadline, ping, pong
    ping, pong = greenlet(ping), greenlet(pong)
    deadline = time.monotonic() + seconds
    open(ready, "w").close()
    ping.switch()  # @main


main(sys.argv[1], float(sys.argv[2]))
