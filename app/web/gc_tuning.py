"""Keep CPython's full garbage collections short while many sockets are open.

Every open WebSocket is a few hundred long-lived objects; a full (generation 2)
collection walks all of them, and at 10,000 sockets that pause (about a second,
measured with bench/fanout.py) lands in the middle of a fan-out. Freezing moves
what is alive now out of the collector's sight, cheaply; objects freed by
reference counting are still freed at once. Only cyclic garbage that was alive
at a freeze waits for the periodic unfreeze-and-collect.
"""

import asyncio
import gc
import logging
import time

log = logging.getLogger(__name__)


async def keep_collections_short(freeze_every: float, collect_every: float) -> None:
    last_collect = time.monotonic()
    while True:
        await asyncio.sleep(freeze_every)
        if time.monotonic() - last_collect >= collect_every:
            gc.unfreeze()
            started = time.perf_counter()
            found = gc.collect()
            log.info(
                "full collection: %d unreachable objects in %.0f ms",
                found,
                (time.perf_counter() - started) * 1000,
            )
            last_collect = time.monotonic()
        gc.freeze()
