# tools/asyncio-layout.py: prints where the C Task and Future of the running CPython keep the
# fields `pyflame dump --async` reads, measured on live objects (tools/gen-asyncio-offsets runs
# it under each Python, 3.11 to 3.13, and writes src/python/asyncio_table.c).
#
# TaskObj and FutureObj are defined in Modules/_asynciomodule.c and in no installed header, so
# no offsetof() probe can see them. Instead this makes a Task and a Future whose fields hold
# objects it knows (a coroutine, a name, a loop, callbacks, a result) and looks for their
# addresses (id()) among the object's words with ctypes; a state is the 32-bit word that moves
# 0 -> 2 when a future finishes and 0 -> 1 when one is cancelled. Every field must be found
# exactly once, or the run fails: a guess never reaches the table.
#
# Output, one item a line: "version X.Y.Z", "major N", "minor N", then "FIELD VALUE".
import asyncio
import ctypes
import sys

WORD = ctypes.sizeof(ctypes.c_void_p)


def fail(msg):
    sys.stderr.write("asyncio-layout: %s\n" % msg)
    sys.exit(1)


def words(obj):
    size = type(obj).__basicsize__
    return list((ctypes.c_size_t * (size // WORD)).from_address(id(obj)))


def ints(obj):
    size = type(obj).__basicsize__
    return list((ctypes.c_int32 * (size // 4)).from_address(id(obj)))


def only(name, hits):
    if len(hits) != 1:
        fail("%s: %d candidate offsets %r (want exactly one)" % (name, len(hits), hits))
    return hits[0]


def offset_of(obj, target, name):
    return only(name, [i * WORD for i, w in enumerate(words(obj)) if w == id(target)])


def main():
    if not (3, 11) <= sys.version_info[:2] <= (3, 13):
        fail("this layout is read for CPython 3.11 to 3.13, not %d.%d" % sys.version_info[:2])
    import _asyncio
    if asyncio.Task is not _asyncio.Task or asyncio.Future is not _asyncio.Future:
        fail("asyncio does not use the C Task and Future of _asyncio")
    loop = asyncio.new_event_loop()
    out = {}

    # A future: its loop, first callback, list of further callbacks, state and result.
    fut = loop.create_future()
    out["fut_loop"] = offset_of(fut, loop, "fut_loop")
    before = words(fut)

    def cb0(f):
        pass

    def cb1(f):
        pass

    fut.add_done_callback(cb0)
    out["fut_callback0"] = offset_of(fut, cb0, "fut_callback0")
    fut.add_done_callback(cb1)
    # fut_callbacks: the one word that became a list whose first item is (cb1, context).
    hits = []
    for i, (a, b) in enumerate(zip(before, words(fut))):
        if a == 0 and b != 0 and i * WORD != out["fut_callback0"]:
            o = ctypes.cast(b, ctypes.py_object).value
            if type(o) is list and o and type(o[0]) is tuple and o[0][0] is cb1:
                hits.append(i * WORD)
    out["fut_callbacks"] = only("fut_callbacks", hits)
    # The state: pending (0) until set_result (2) or cancel (1).
    pending, result = ints(fut), object()
    fut.set_result(result)
    finished = ints(fut)
    other = loop.create_future()
    other.cancel()
    cancelled = ints(other)
    out["fut_state"] = 4 * only("fut_state", [
        i for i in range(len(pending))
        if pending[i] == 0 and finished[i] == 2 and cancelled[i] == 1])
    out["fut_state_pending"], out["fut_state_cancelled"], out["fut_state_finished"] = 0, 1, 2
    out["fut_result"] = offset_of(fut, result, "fut_result")
    out["future_size"] = type(fut).__basicsize__

    # A task: its coroutine and name (and, as a Future, the same fields as above).
    async def probe():
        pass

    coro = probe()
    name = "asyncio-layout-probe-%d" % id(coro)
    task = loop.create_task(coro, name=name)
    out["task_coro"] = offset_of(task, coro, "task_coro")
    out["task_name"] = offset_of(task, name, "task_name")
    if offset_of(task, loop, "the task's fut_loop") != out["fut_loop"]:
        fail("a task's loop is not where a future's is")
    out["task_size"] = type(task).__basicsize__
    loop.run_until_complete(task)
    loop.close()

    v = sys.version_info
    print("version %d.%d.%d" % (v.major, v.minor, v.micro))
    print("major %d" % v.major)
    print("minor %d" % v.minor)
    for k in ("fut_loop", "fut_callback0", "fut_callbacks", "fut_state", "fut_state_pending",
              "fut_state_cancelled", "fut_state_finished", "fut_result", "future_size",
              "task_coro", "task_name", "task_size"):
        print("%s %d" % (k, out[k]))


main()
