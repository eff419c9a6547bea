"""Keep CPython's full garbage collections short while many sockets are open.

Every open WebSocket is a few hundred long-lived objects; a full (generation 2)
collection walks all of them, and at 10,000 sockets that pause (about a second,
measured with bench/fanout.py) lands in the middle of a fan-out. Freezing moves
what is alive now out of the collector's sight, cheaply; objects freed by
reference counting are still freed at once.

What freezing costs: cyclic garbage that was alive at a freeze (the objects of
requests in flight at that moment) is not collected until an unfreeze. Under a
steady HTTP load that grew the process by about 2.7 MiB/s (370 requests/s, one
worker), so the frozen set is also collected once it has grown by a quarter
since the last collection (CPython's own rule for full collections) and not
only every `collect_every` seconds: memory stays bounded, and a large, idle set
of sockets is still never walked during a fan-out.
"""

import asyncio
import gc
import logging
import time

log = logging.getLogger(__name__)

# Grow by this share of the frozen set, or by this many objects at least, and the
# frozen set is collected.
GROWTH_SHARE = 0.25
GROWTH_FLOOR = 100_000


def collection_due(frozen: int, baseline: int, seconds_since: float, collect_every: float) -> bool:
    grown = frozen - baseline
    return seconds_since >= collect_every or grown > max(GROWTH_FLOOR, baseline * GROWTH_SHARE)


def collect_frozen() -> int:
    """Unfreeze, collect everything, freeze again; the new frozen count."""
    gc.unfreeze()
    started = time.perf_counter()
    found = gc.collect()
    gc.freeze()
    log.info(
        "full collection: %d unreachable objects in %.0f ms",
        found,
        (time.perf_counter() - started) * 1000,
    )
    return gc.get_freeze_count()


class FrozenHeap:
    """What the periodic task does, one tick at a time."""

    def __init__(self, collect_every: float) -> None:
        self.collect_every = collect_every
        gc.freeze()
        self.baseline = gc.get_freeze_count()
        self.last_collect = time.monotonic()

    def tick(self) -> bool:
        """Freeze what is alive now; True when the frozen set was collected too."""
        gc.freeze()
        since = time.monotonic() - self.last_collect
        if not collection_due(gc.get_freeze_count(), self.baseline, since, self.collect_every):
            return False
        self.baseline = collect_frozen()
        self.last_collect = time.monotonic()
        return True


async def keep_collections_short(freeze_every: float, collect_every: float) -> None:
    heap = FrozenHeap(collect_every)
    while True:
        await asyncio.sleep(freeze_every)
        heap.tick()
