# async_busy.py: asyncio tasks that use the CPU under known chains of awaiting tasks, for
# --async (record, top).
#   async_busy.py READY_FILE SECONDS [IDLE_TASKS]
# The tasks, a parent being the task that awaits:
#   Task-1 (asyncio.run's: main) gathers crunch-a and crunch-b, and awaits outer
#     crunch-a, crunch-b: each spins in spin() called by crunch(), yielding now and then
#     outer awaits the task middle, which awaits the task leaf, which spins in spin()
#   IDLE_TASKS more tasks (default 0), idle-0 ... each parked on an Event, awaited by nobody
# READY_FILE is made once every task has started; SECONDS of wall time after the start, every
# task ends and the process exits 0.
import asyncio
import sys
import time

deadline = 0.0


def spin(n):
    x = 0
    for i in range(n):  # @spin
        x += i * i
    return x


async def crunch():
    while time.monotonic() < deadline:
        spin(20000)  # @crunch
        await asyncio.sleep(0)


async def leaf():
    while time.monotonic() < deadline:
        spin(20000)  # @leaf
        await asyncio.sleep(0)


async def middle():
    await asyncio.create_task(leaf(), name="leaf")  # @middle


async def outer():
    await asyncio.create_task(middle(), name="middle")  # @outer


async def park(event):
    await event.wait()  # @park


async def ready(path):
    for _ in range(5):  # every task reaches its first await
        await asyncio.sleep(0)
    open(path, "w").close()


async def main(path, seconds, idle):
    global deadline
    deadline = time.monotonic() + seconds
    event = asyncio.Event()
    parked = [asyncio.create_task(park(event), name="idle-%d" % i) for i in range(idle)]
    asyncio.create_task(ready(path), name="ready")
    await asyncio.gather(  # @gather
        asyncio.create_task(crunch(), name="crunch-a"),
        asyncio.create_task(crunch(), name="crunch-b"),
        asyncio.create_task(outer(), name="outer"),
    )
    event.set()
    await asyncio.gather(*parked)  # @end


asyncio.run(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0))
