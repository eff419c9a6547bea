"""Concurrent writers: the database decides, and the loser gets a typed error."""

import asyncio

from app.models import QueueHook, QueueHookEvent
from tests.factories import create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid, ok

TOGGLE = """
mutation($id: ID!, $v: Int) {
  setQueueHookEnabled(id: $id, enabled: true, expectedVersion: $v) { __typename }
}
"""
RENAME_EVENT = """
mutation($id: ID!, $event: QueueHookEvent!, $v: Int) {
  updateQueueHook(input: {id: $id, event: $event, expectedVersion: $v}) { __typename }
}
"""


async def test_two_concurrent_enables_for_one_event_leave_exactly_one_enabled(
    database: str,
) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hooks = [
        await create_hook(queue, schema, QueueHookEvent.MISSED, enabled=False) for _ in range(2)
    ]

    results = await asyncio.gather(*(ok(TOGGLE, {"id": gid("QueueHook", h.pk)}) for h in hooks))

    outcomes = sorted(r["setQueueHookEnabled"]["__typename"] for r in results)
    assert outcomes == ["DuplicateEnabledEventError", "SetQueueHookEnabledSuccess"]
    assert await QueueHook.filter(queue=queue, enabled=True).count() == 1


async def test_two_concurrent_edits_from_one_version_make_one_conflict(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema, QueueHookEvent.JOINED, enabled=False)
    hook_id = gid("QueueHook", hook.pk)

    results = await asyncio.gather(
        ok(RENAME_EVENT, {"id": hook_id, "event": "ANSWERED", "v": 1}),
        ok(RENAME_EVENT, {"id": hook_id, "event": "LEAVING", "v": 1}),
    )

    outcomes = sorted(r["updateQueueHook"]["__typename"] for r in results)
    assert outcomes == ["UpdateQueueHookSuccess", "VersionConflictError"]
    stored = await QueueHook.get(id=hook.pk)
    assert stored.version == 2
