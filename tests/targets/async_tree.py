# async_tree.py: asyncio tasks parked at known lines, for `pyflame dump --async` (3.11 to 3.14).
#   async_tree.py READY_FILE
# The tree, a parent being the task that awaits:
#   main (the root, asyncio.run's task)
#     gatherer: gathers g1, g2, g3 (each awaits an Event)
#     grouper: a TaskGroup with tg1, tg2 (each awaits an Event)
#     outer: awaits the task middle, which awaits the task inner, asleep in asyncio.sleep
import asyncio
import sys

forever = None


async def park():
    await forever.wait()  # @park


async def gatherer():
    await asyncio.gather(  # @gather
        asyncio.create_task(park(), name="g1"),
        asyncio.create_task(park(), name="g2"),
        asyncio.create_task(park(), name="g3"),
    )


async def grouper():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(park(), name="tg1")
        tg.create_task(park(), name="tg2")
        await park()  # @group


async def inner():
    await asyncio.sleep(3600)  # @inner


async def middle():
    await asyncio.create_task(inner(), name="inner")  # @middle


async def outer():
    await asyncio.create_task(middle(), name="middle")  # @outer


async def main(ready):
    global forever
    forever = asyncio.Event()
    tasks = [asyncio.create_task(gatherer(), name="gatherer"),
             asyncio.create_task(grouper(), name="grouper"),
             asyncio.create_task(outer(), name="outer")]
    for _ in range(5):  # every task reaches its await
        await asyncio.sleep(0)
    open(ready, "w").close()
    await asyncio.gather(*tasks)  # @main


asyncio.run(main(sys.argv[1]), debug=False)
