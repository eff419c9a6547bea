"""The change feed in-process: buffers are bounded, history is bounded."""

from collections.abc import AsyncIterator

import pytest

from app.core.errors import InvalidInput
from app.core.identity import ALL_PERMISSIONS, Principal
from app.models import QueueHookEvent
from app.services import change_feed, hooks, live_queries
from app.services.change_feed import Change, ChangeFeed, ResyncRequired
from app.services.hooks import HookUpdate
from tests.factories import TENANT, create_flow_schema, create_queue

OWNER = Principal(user="feed-test", tenant=TENANT, permissions=frozenset(ALL_PERMISSIONS))


@pytest.fixture
async def feed(database: str) -> AsyncIterator[ChangeFeed]:
    started = ChangeFeed(buffer_size=3)
    await started.start(None)  # the in-process signal, whatever the database
    yield started
    await started.stop()


async def test_a_subscriber_that_falls_behind_is_told_to_resync(feed: ChangeFeed) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    stream = live_queries.hook_changes(OWNER, feed, queue.pk, after_revision=0)
    hook = await hooks.create_hook(OWNER, queue.pk, QueueHookEvent.JOINED, schema.pk, False)
    first = await anext(stream)

    for i in range(20):  # the subscriber reads none of these
        await hooks.update_hook(OWNER, hook.pk, HookUpdate(enabled=i % 2 == 0))
    await feed.settled()
    held = feed.buffered
    resync = await anext(stream)

    assert isinstance(first, Change)
    assert first.revision == 1
    assert held == 1, "the overflowed buffer was emptied down to its resync marker"
    assert resync == ResyncRequired(21, "the subscriber fell too far behind")
    with pytest.raises(StopAsyncIteration):
        await anext(stream)
    assert feed.watcher_count == 0


async def test_a_revision_older_than_the_retained_history_asks_for_a_resync(
    feed: ChangeFeed,
) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await hooks.create_hook(OWNER, queue.pk, QueueHookEvent.JOINED, schema.pk, False)
    for i in range(5):
        await hooks.update_hook(OWNER, hook.pk, HookUpdate(enabled=i % 2 == 0))

    removed = await change_feed.prune_change_log(keep_per_queue=3)
    stale = [item async for item in _first(live_queries.hook_changes(OWNER, feed, queue.pk, 1), 1)]
    fresh = [item async for item in _first(live_queries.hook_changes(OWNER, feed, queue.pk, 3), 3)]

    assert removed == 3
    assert stale == [
        ResyncRequired(
            6,
            "revision 1 is older than the retained history (the oldest kept is 4); refetch the list",
        )
    ]
    assert [c.revision for c in fresh if isinstance(c, Change)] == [4, 5, 6]


async def test_a_revision_ahead_of_the_queue_has_its_own_reason(feed: ChangeFeed) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    await hooks.create_hook(OWNER, queue.pk, QueueHookEvent.JOINED, schema.pk, False)

    ahead = [item async for item in _first(live_queries.hook_changes(OWNER, feed, queue.pk, 9), 1)]

    assert ahead == [
        ResyncRequired(
            1,
            "revision 9 is ahead of the queue's current revision 1: it did not come from this "
            "queue (or the queue was recreated); refetch the list",
        )
    ]


async def test_a_negative_revision_is_the_callers_error(feed: ChangeFeed) -> None:
    queue = await create_queue()

    with pytest.raises(InvalidInput) as refused:
        await anext(live_queries.hook_changes(OWNER, feed, queue.pk, -1))

    assert refused.value.field == "afterRevision"


async def _first(
    stream: AsyncIterator[Change | ResyncRequired], count: int
) -> AsyncIterator[Change | ResyncRequired]:
    for _ in range(count):
        try:
            yield await anext(stream)
        except StopAsyncIteration:
            return
