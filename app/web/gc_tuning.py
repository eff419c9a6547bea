"""Keep CPython's full garbage collections short while many sockets are open.

Every open WebSocket is a few hundred long-lived objects; a full (generation 2)
collection walks all of them, and at 10,000 sockets that pause (about a second,
measured with bench/fanout.py) lands in the middle of a fan-out. Freezing moves
what is alive now out of the collector's sight, cheaply; objects freed by
reference counting are still freed at once.

What freezing costs: cyclic garbage that was alive at a freeze (the objects of
requests in flight at that moment) is not collected until an unfreeze. Under a
steady HTTP load that grew the process by about 2.7 MiB/s (370 requests/s, one
worker), so the frozen set is also collected once the Python heap has grown by
a quarter since the last such collection (CPython's own rule for full
collections), and at least every `collect_every` seconds.

The growth is read with `sys.getallocatedblocks()`, which reads one header per
16 KiB pool (about 0.1 ms at 6 million blocks). `gc.get_freeze_count()` must
not be used on a timer: in CPython 3.11 it walks every frozen object, which
stalled the loop 180 ms every second at 10,000 idle subscribers (bench/gc_stalls.py).
Nor does a tick collect the young generations before freezing: after a fan-out
they hold a great many objects, and a collection there resets CPython's own
measure of the old generation, so that more full collections follow.

A due collection waits for a tick that wakes on time: a late tick means the loop
is busy (a fan-out in progress), and a full collection then would stall it. It
waits `MAX_DEFERRALS` ticks at most, so a loop that is always busy cannot put it
off forever.
"""

import asyncio
import gc
import logging
import sys
import time

log = logging.getLogger(__name__)

# Grow by this share of the heap, or by this many allocated blocks at least, and
# the frozen set is collected.
GROWTH_SHARE = 0.25
GROWTH_FLOOR = 100_000


def collection_due(blocks: int, baseline: int, seconds_since: float, collect_every: float) -> bool:
    grown = blocks - baseline
    return seconds_since >= collect_every or grown > max(GROWTH_FLOOR, baseline * GROWTH_SHARE)


def collect_frozen() -> None:
    """Unfreeze, collect everything, freeze again: the one walk over the whole heap."""
    gc.unfreeze()
    started = time.perf_counter()
    found = gc.collect()
    gc.freeze()
    log.info(
        "full collection: %d unreachable objects in %.0f ms",
        found,
        (time.perf_counter() - started) * 1000,
    )


class FrozenHeap:
    """What the periodic task does, one tick at a time."""

    # A tick this late finds the loop busy; a due full collection waits.
    BUSY_LATENESS = 0.05
    MAX_DEFERRALS = 30

    def __init__(self, collect_every: float) -> None:
        self.collect_every = collect_every
        gc.freeze()
        self.baseline = sys.getallocatedblocks()
        self.last_collect = time.monotonic()
        self.deferred = 0

    def tick(self, late: float = 0.0) -> bool:
        """Freeze what is alive now; True when the frozen set was collected too.

        `late`: how long after its time the tick woke.
        """
        gc.freeze()
        since = time.monotonic() - self.last_collect
        if not collection_due(sys.getallocatedblocks(), self.baseline, since, self.collect_every):
            return False
        if late > self.BUSY_LATENESS and self.deferred < self.MAX_DEFERRALS:
            self.deferred += 1
            return False
        collect_frozen()
        self.baseline = sys.getallocatedblocks()
        self.last_collect = time.monotonic()
        self.deferred = 0
        return True


async def keep_collections_short(freeze_every: float, collect_every: float) -> None:
    heap = FrozenHeap(collect_every)
    while True:
        due = time.monotonic() + freeze_every
        await asyncio.sleep(freeze_every)
        heap.tick(late=max(0.0, time.monotonic() - due))
