# numeric.py: numpy work that lets the GIL go: a matrix product (BLAS) and an FFT
# (pocketfft) in turns. Lines marked "# @name" are found by the tests. Python 3 with numpy.
#   numeric.py READY_FILE [SECONDS]   (SECONDS absent: run until killed)
import sys
import time

import numpy

A = numpy.random.default_rng(1).random((300, 300))
SIGNAL = numpy.random.default_rng(2).random(1 << 18)


def products():
    return A @ A  # @matmul


def transforms():
    return numpy.fft.fft(SIGNAL)  # @fft


def work(ready, end):
    if ready:
        open(ready, "w").close()
    while time.time() < end:
        products()  # @products
        transforms()  # @transforms


seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1e9
work(sys.argv[1] if len(sys.argv) > 1 else "", time.time() + seconds)  # @module
