"""Replay of a queue's log, and who may watch it: history is bounded."""

import pytest

from app.core.errors import InvalidInput
from app.core.identity import ALL_PERMISSIONS, Principal
from app.models import QueueHookEvent
from app.services import change_feed, hooks, replay
from app.services.change_feed import Change
from app.services.hooks import HookUpdate
from tests.factories import TENANT, create_flow_schema, create_queue

OWNER = Principal(user="feed-test", tenant=TENANT, permissions=frozenset(ALL_PERMISSIONS))


async def replayed(queue_id: int, after: int, up_to: int) -> list[Change] | str:
    """The replayed changes, or why there are none to replay."""
    try:
        return [change async for change in replay.replay(OWNER, queue_id, after, up_to)]
    except replay.ReplayUnavailable as unavailable:
        return f"{unavailable.current_revision}: {unavailable}"


async def test_a_revision_older_than_the_retained_history_asks_for_a_resync(
    database: str,
) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await hooks.create_hook(OWNER, queue.pk, QueueHookEvent.JOINED, schema.pk, False)
    for i in range(5):
        await hooks.update_hook(OWNER, hook.pk, HookUpdate(enabled=i % 2 == 0))

    removed = await change_feed.prune_change_log(keep_per_queue=3)
    stale = await replayed(queue.pk, 1, 6)
    fresh = await replayed(queue.pk, 3, 6)

    assert removed == 3
    assert stale == (
        "6: revision 1 is older than the retained history (the oldest kept is 4); refetch the list"
    )
    assert [c.revision for c in fresh if isinstance(c, Change)] == [4, 5, 6]


async def test_a_revision_ahead_of_the_queue_has_its_own_reason(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    await hooks.create_hook(OWNER, queue.pk, QueueHookEvent.JOINED, schema.pk, False)

    ahead = await replayed(queue.pk, 9, 1)

    assert ahead == (
        "1: revision 9 is ahead of the queue's current revision 1: it did not come from this "
        "queue (or the queue was recreated); refetch the list"
    )


async def test_a_negative_revision_is_the_callers_error(database: str) -> None:
    queue = await create_queue()

    with pytest.raises(InvalidInput) as refused:
        await replay.check_may_watch(OWNER, queue.pk, -1)

    assert refused.value.field == "afterRevision"
