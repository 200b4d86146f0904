# linetable_dump.py: writes one line-table fixture for the interpreter that runs it.
#
# Run by tools/gen-linetable-fixtures under every installed Python (2.7 and 3.6-3.13, so this
# file sticks to syntax and library calls all of them share). It compiles a fixed set of
# sources, walks every code object (recursively through co_consts), and prints each one's raw
# line table with the line the interpreter itself gives for every instruction index, asked of
# PyCode_Addr2Line through ctypes: that C function is what tracebacks and f_lineno use, and it
# exists with the same signature in every version.
#
# Output (stdout), one record per line:
#   version <major>.<minor>.<micro>
#   code <kind> <firstlineno> <nindex> <table hex, or - when empty> <source>:<code path>
#   at <index> <line>              a single index (-1, and past the end of the code)
#   run <start> <count> <line>     indices start .. start+count-1 all on line
# <kind> is 27, 36, 310 or 311 (the table formats of docs/CPYTHON.md section 3); indices are
# byte offsets before 3.11 and 2-byte code units from 3.11 on. Runs only compress the expected
# answers; the test still checks every index they cover.

import binascii
import ctypes
import sys

V = sys.version_info[:2]
if V < (3, 0):
    KIND = "27"
elif V < (3, 10):
    KIND = "36"
elif V < (3, 11):
    KIND = "310"
else:
    KIND = "311"
# The index a table is looked up with: bytes before 3.11, code units (2 bytes) from 3.11 on.
UNIT = 2 if KIND == "311" else 1

addr2line = ctypes.pythonapi.PyCode_Addr2Line
addr2line.argtypes = [ctypes.py_object, ctypes.c_int]
addr2line.restype = ctypes.c_int


def line_at(code, index):
    # PyCode_Addr2Line takes a byte offset in every version.
    return addr2line(code, index * UNIT)


# ---- hand-written sources (valid Python 2.7 and 3.x unless a minimum version is given) ----

BASICS = '''\
import os
GLOBAL = 1


def loops(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        j = 0
        while j < i:
            j += 1
            if j > 10:
                break
        else:
            total += j
    return total


def multiline(a, b,
              c=3):
    x = (a +
         b *
         c)
    y = max(
        a,
        min(b,
            c),
        key=[1,
             2].count,
    )
    return (x
            if y else
            -x)


class Shape(object):
    sides = 0

    def __init__(self, name,
                 sides=4):
        self.name = name
        self.sides = sides

    @property
    def label(self):
        return "%s/%d" % (self.name,
                          self.sides)

    @staticmethod
    def make(*args, **kwargs):
        return Shape(*args,
                     **kwargs)


if GLOBAL:
    RESULT = [loops(3), multiline(1, 2)]
else:
    RESULT = None
'''

ERRORS = '''\
def errors(path):
    try:
        f = open(path)
    except (IOError, OSError) as e:
        return str(e)
    except Exception:
        raise
    else:
        try:
            return f.read()
        finally:
            f.close()


def with_stmt(lock, items):
    with lock:
        for item in items:
            try:
                item.run()
            except ValueError:
                continue
            finally:
                item.done()
    return len(items)


def nested_try(x):
    while True:
        try:
            try:
                x = 1 / x
            except ZeroDivisionError:
                x = 1
                break
        finally:
            x += 1
    assert x, (
        "never"
    )
    return x
'''

COMPREHENSIONS = '''\
def comps(data):
    squares = [x * x for x in data if x % 2]
    table = {k: [v
                 for v in range(k)]
             for k in data}
    unique = {x
              for x in data}
    gen = (x + 1 for x in data)
    nested = [[y for y in range(x)] for x in data]
    return squares, table, unique, sum(gen), nested


def outer(a):
    def middle(b):
        def inner(c):
            return a + b + c
        return inner
    key = lambda item: (item[0],
                        -item[1])

    def gen():
        for i in range(a):
            yield i
            yield -i
    return middle, key, gen


def decorated():
    def deco(f):
        return f

    @deco
    @deco
    def target(
        x,
        y,
    ):
        return [x,
                y]
    return target
'''


def long_source():
    # Built so that each format's multi-byte cases occur: co_lnotab needs several pairs for an
    # address step or a line step over 255 (and, from 3.8, negative steps when an expression
    # is attributed back to an earlier line); 3.10 splits long ranges; 3.11's varints take two
    # or more bytes once a line delta passes 63.
    out = ["def long_function(x):", "    total = 0"]
    for i in range(300):
        out.append("    total += x * %d" % i)
    out.extend([""] * 300)
    out.append("    total += 1")
    # One line compiling to far more than 255 bytes of bytecode.
    out.append("    big = [" + ", ".join(["x + %d" % i for i in range(150)]) + "]")
    # A call whose argument is 300 lines below its first line.
    out.append("    total += sum(")
    out.extend([""] * 300)
    out.append("        big)")
    # A loop whose body spans more than 255 lines, so the jump back is a large negative step.
    out.append("    for i in range(x):")
    out.append("        total += i")
    out.extend([""] * 280)
    out.append("        if total > 1000:")
    out.append("            break")
    out.append("    return total")
    out.append("")
    # A module-level statement 1000 lines further down.
    out.extend([""] * 1000)
    out.append("LATE = long_function(3)")
    out.append("")
    return "\n".join(out)


def wide_source():
    # Many short statements on consecutive lines with small gaps of varying size, and one
    # function that is long in bytes (several KiB of code) rather than in lines.
    out = ["def wide(a):"]
    for i in range(200):
        out.extend([""] * ((i * 7) % 5))
        out.append("    a = a + %d" % i)
    out.append("    return (a,")
    out.append("            " + " + ".join(["a"] * 400) + ")")
    out.append("")
    return "\n".join(out)


PY3 = '''\
import asyncio


async def fetch(session, urls, *, limit=3):
    results = []
    async with session:
        async for item in session.stream(
                urls):
            results.append(await item)
    return [f"{r!r:>{limit}}"
            for r in results]


def gen_from(items):
    yield from items
    total = 0

    def bump():
        nonlocal total
        total += 1
    first, *rest = items
    return bump, first, rest
'''

PY38 = '''\
def walrus(data, /, scale):
    if (n := len(data)) > 10:
        return [y for x in data
                if (y := x * scale)]
    return n
'''

PY310 = '''\
def matcher(command):
    match command.split():
        case [action]:
            return action
        case [action, obj]:
            return (action,
                    obj)
        case ["go", *rest] if rest:
            return rest
        case {"x": x, **others}:
            return x
        case _:
            return None
'''

PY311 = '''\
def groups(fs):
    try:
        fs()
    except* ValueError as eg:
        fs(eg)
    except* (TypeError,
             KeyError):
        raise
'''

PY312 = '''\
type Pair[T] = tuple[T,
                     T]


def first[T](items: list[T]) -> T:
    return items[0]


class Box[T]:
    def get(self) -> T:
        return f"{'nested' + f'{self!r}'}"
'''

SNIPPETS = [
    ("basics", (2, 7), BASICS),
    ("errors", (2, 7), ERRORS),
    ("comprehensions", (2, 7), COMPREHENSIONS),
    ("long", (2, 7), long_source()),
    ("wide", (2, 7), wide_source()),
    ("py3", (3, 6), PY3),
    ("py38", (3, 8), PY38),
    ("py310", (3, 10), PY310),
    ("py311", (3, 11), PY311),
    ("py312", (3, 12), PY312),
]

# Real code, read from this interpreter's own standard library (each version compiles its own
# copy). Picked because every version from 2.7 on has them and they are mid-sized.
STDLIB = ["textwrap", "shlex", "argparse"]


def stdlib_source(name):
    mod = __import__(name)
    path = mod.__file__
    if path.endswith((".pyc", ".pyo")):
        path = path[:-1]
    f = open(path, "rb")
    try:
        return f.read()
    finally:
        f.close()


def table_of(code):
    # 3.10+ keep the table the interpreter reads in co_linetable (co_lnotab there is a
    # compatibility view built from it, deprecated in 3.12).
    if KIND in ("310", "311"):
        return code.co_linetable
    return code.co_lnotab


def index_count(code):
    return len(code.co_code) // UNIT


def cross_check(code, expected, label):
    # A second opinion from the interpreter's Python-level view; PyCode_Addr2Line stays the
    # reference, a disagreement is only reported.
    bad = 0
    if KIND == "311":
        for unit, pos in enumerate(code.co_positions()):
            want = -1 if pos[0] is None else pos[0]
            if unit < len(expected) and expected[unit] != want:
                bad += 1
    elif KIND == "310":
        for start, end, line in code.co_lines():
            for i in range(start, min(end, len(expected))):
                if expected[i] != (-1 if line is None else line):
                    bad += 1
    if bad:
        sys.stderr.write("warning: %s: %d indices where the Python-level view differs\n"
                         % (label, bad))


def dump_code(code, label, out):
    table = table_of(code)
    n = index_count(code)
    hexed = binascii.hexlify(table).decode("ascii") if table else "-"
    out.append("code %s %d %d %s %s" % (KIND, code.co_firstlineno, n, hexed, label))
    out.append("at -1 %d" % line_at(code, -1))
    expected = [line_at(code, i) for i in range(n)]
    cross_check(code, expected, label)
    i = 0
    while i < n:
        j = i
        while j < n and expected[j] == expected[i]:
            j += 1
        out.append("run %d %d %d" % (i, j - i, expected[i]))
        i = j
    # Past the end: co_lnotab's last line holds for every later offset, and 3.11+ answers -1.
    # 3.10 is asked only when its table ends with a non-empty range: after trailing empty
    # ranges its lookup would read past the table.
    if KIND != "310" or (len(table) >= 2 and bytearray(table)[-2] != 0):
        out.append("at %d %d" % (n, line_at(code, n)))
        out.append("at %d %d" % (n + 1000, line_at(code, n + 1000)))


def walk(code, label, out):
    dump_code(code, label, out)
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            walk(const, label + "." + const.co_name, out)


def main():
    out = ["version %d.%d.%d" % sys.version_info[:3]]
    for name, minimum, source in SNIPPETS:
        if V < minimum:
            continue
        walk(compile(source, "<%s>" % name, "exec"), name + ":<module>", out)
    for name in STDLIB:
        walk(compile(stdlib_source(name), "<%s>" % name, "exec"), name + ":<module>", out)
    sys.stdout.write("\n".join(out) + "\n")


main()
