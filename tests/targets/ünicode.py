# ünicode.py: function names in Latin-1 range, in the BMP and beyond it (Python 3 only), and a
# file name that is not ASCII, to show they all come out as UTF-8.
#   ünicode.py READY_FILE
import sys


def 𠀀𠀁(ready):
    open(ready, "w").close()
    while True: pass  # @astral


def 函数(ready):
    𠀀𠀁(ready)  # @bmp


def café(ready):
    函数(ready)  # @latin


café(sys.argv[1])  # @module
