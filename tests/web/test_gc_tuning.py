"""Freezing keeps full collections off the fan-out path, without holding garbage forever,
and without a periodic walk over everything frozen."""

import asyncio
import contextlib
import gc
import time
import weakref
from collections.abc import Callable, Iterator

import pytest

from app.web.gc_tuning import GROWTH_FLOOR, FrozenHeap, collection_due, keep_collections_short


class Node:
    __slots__ = ("__weakref__", "other")

    def __init__(self) -> None:
        self.other: Node | None = None


def cycles(count: int) -> list[Node]:
    """`count` pairs that point at each other: only the cycle collector frees them."""
    nodes = []
    for _ in range(count):
        a, b = Node(), Node()
        a.other, b.other = b, a
        nodes.append(a)
    return nodes


def fastest(step: Callable[[], object], times: int = 15) -> float:
    """The least time one call took: noise on a shared machine only ever adds time."""
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - started)
    return best


@pytest.fixture
def thawed() -> Iterator[None]:
    """Whatever a test freezes is handed back to the collector afterwards."""
    try:
        yield
    finally:
        gc.unfreeze()


@pytest.mark.parametrize(
    ("blocks", "baseline", "since", "due"),
    [
        (1_000_000, 1_000_000, 10.0, False),  # nothing grew
        (1_240_000, 1_000_000, 10.0, False),  # under a quarter
        (1_260_000, 1_000_000, 10.0, True),  # over a quarter
        (150_000, 100_000, 10.0, False),  # small heaps: the floor applies
        (100_000 + GROWTH_FLOOR + 1, 100_000, 10.0, True),
        (900_000, 1_000_000, 10.0, False),  # it shrank
        (1_000_000, 1_000_000, 3600.0, True),  # the periodic collection
    ],
)
def test_when_a_collection_is_due(blocks: int, baseline: int, since: float, due: bool) -> None:
    assert collection_due(blocks, baseline, since, collect_every=3600) is due


def test_a_tick_does_not_walk_the_frozen_objects(thawed: None) -> None:
    # Given a large frozen heap (10,000 idle sockets are a few million objects)
    heap_objects = [Node() for _ in range(1_500_000)]
    heap = FrozenHeap(collect_every=3600)
    walk = fastest(gc.get_freeze_count)  # what one pass over the frozen objects costs here

    # When the periodic step runs with nothing grown
    tick = fastest(heap.tick)

    # Then it costs a small fraction of one walk (it cost a walk and more before)
    assert tick * 5 < walk, f"a tick took {tick * 1e6:.0f} us, a walk {walk * 1e6:.0f} us"
    del heap_objects


def test_an_idle_frozen_heap_is_not_collected_again(thawed: None) -> None:
    live = cycles(50_000)
    heap = FrozenHeap(collect_every=3600)

    assert [heap.tick() for _ in range(20)] == [False] * 20
    del live


def test_a_due_collection_waits_for_a_tick_that_is_not_late(thawed: None) -> None:
    heap = FrozenHeap(collect_every=0)  # always due
    heap.tick()
    busy = [heap.tick(late=1.0) for _ in range(FrozenHeap.MAX_DEFERRALS)]

    assert busy == [False] * FrozenHeap.MAX_DEFERRALS, "collected while the loop was busy"
    assert heap.tick(late=1.0) is True, "a loop that is always busy postponed it forever"
    assert heap.tick(late=0.0) is True


async def test_garbage_caught_by_a_freeze_is_collected_once_it_adds_up(thawed: None) -> None:
    freezer = asyncio.create_task(keep_collections_short(0.005, collect_every=3600))
    try:
        await asyncio.sleep(0.02)
        first = cycles(1)[0]
        watch = weakref.ref(first)
        baseline = gc.get_freeze_count()
        largest = baseline
        batch = cycles(20_000)
        batch.append(first)
        del first
        for _ in range(200):  # in flight across a freeze, then dropped: frozen garbage
            await asyncio.sleep(0.01)
            largest = max(largest, gc.get_freeze_count())
            batch = cycles(20_000)
            if watch() is None:
                break
        del batch
    finally:
        freezer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await freezer

    assert watch() is None, "garbage frozen in flight was collected without waiting an hour"
    assert largest < baseline * 1.25 + GROWTH_FLOOR + 2 * 40_000 + 10_000
