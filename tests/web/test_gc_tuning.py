"""Freezing keeps full collections off the fan-out path, without holding garbage forever."""

import asyncio
import contextlib
import gc
import weakref

import pytest

from app.web.gc_tuning import GROWTH_FLOOR, collection_due, keep_collections_short


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


@pytest.mark.parametrize(
    ("frozen", "baseline", "since", "due"),
    [
        (1_000_000, 1_000_000, 10.0, False),  # nothing grew
        (1_240_000, 1_000_000, 10.0, False),  # under a quarter
        (1_260_000, 1_000_000, 10.0, True),  # over a quarter
        (150_000, 100_000, 10.0, False),  # small heaps: the floor applies
        (100_000 + GROWTH_FLOOR + 1, 100_000, 10.0, True),
        (1_000_000, 1_000_000, 3600.0, True),  # the periodic collection
    ],
)
def test_when_a_collection_is_due(frozen: int, baseline: int, since: float, due: bool) -> None:
    assert collection_due(frozen, baseline, since, collect_every=3600) is due


async def test_garbage_caught_by_a_freeze_is_collected_once_it_adds_up() -> None:
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
        gc.unfreeze()

    assert watch() is None, "garbage frozen in flight was collected without waiting an hour"
    assert largest < baseline * 1.25 + GROWTH_FLOOR + 2 * 40_000 + 10_000
