# tasks.py: the benchmark's asyncio target (for --async). One busy task runs pure-Python work
# at a chosen stack depth, awaited by a chain of three tasks (Task-1 -> outer -> middle ->
# busy); the other TASKS - 4 tasks wait on an Event, awaited by nobody. Runs until killed.
#   tasks.py [--tasks N] [--depth D] [--ready FILE]
import asyncio
import sys

args = sys.argv[1:]


def opt(name, default):
    if name in args:
        return type(default)(args[args.index(name) + 1])
    return default


TASKS = opt("--tasks", 10)
DEPTH = opt("--depth", 30)
READY = opt("--ready", "")


def spin(depth):
    if depth > 0:
        return spin(depth - 1)
    x = 0
    for i in range(2000):
        x += i
    return x


async def busy():
    while True:
        spin(DEPTH)
        await asyncio.sleep(0)


async def middle():
    await asyncio.create_task(busy(), name="busy")


async def outer():
    await asyncio.create_task(middle(), name="middle")


async def park(event):
    await event.wait()


async def main():
    event = asyncio.Event()
    parked = [asyncio.create_task(park(event), name="idle-%d" % i)
              for i in range(max(0, TASKS - 4))]
    chain = asyncio.create_task(outer(), name="outer")
    for _ in range(5):
        await asyncio.sleep(0)
    if READY:
        open(READY, "w").close()
    await chain
    await asyncio.gather(*parked)


asyncio.run(main())
