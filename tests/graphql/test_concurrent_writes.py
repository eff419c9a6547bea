"""Concurrent writers: the database decides, and the loser gets a typed error."""

import asyncio
from typing import Any

from app.models import ChangeKind, QueueHook, QueueHookChange, QueueHookEvent
from tests.factories import create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid, ok, run

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


DELETE_HOOKS = """
mutation($ids: [ID!]!) {
  deleteQueueHooks(ids: $ids) {
    __typename
    ... on DeleteQueueHooksSuccess { deletedIds }
    ... on NotFoundError { ids }
  }
}
"""


async def test_overlapping_bulk_removes_each_remove_a_hook_once(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hooks = [
        gid("QueueHook", (await create_hook(queue, schema, enabled=False)).pk) for _ in range(30)
    ]
    # 12 batches of 8, each overlapping the next by 6.
    batches = [hooks[start : start + 8] for start in range(0, 23, 2)]

    results = await asyncio.gather(*(ok(DELETE_HOOKS, {"ids": batch}) for batch in batches))

    answers = [r["deleteQueueHooks"] for r in results]
    removed = [set(a["deletedIds"]) for a in answers if "deletedIds" in a]
    refused = [
        (set(batch), set(a["ids"])) for batch, a in zip(batches, answers, strict=True) if "ids" in a
    ]
    assert len(removed) + len(refused) == len(batches), answers
    # As if one after the other: no hook removed twice, every refusal names hooks
    # that a success removed, and no batch that could still go was refused.
    everything_removed = set().union(*removed)
    assert sum(len(r) for r in removed) == len(everything_removed), removed
    for batch, missing in refused:
        assert missing, batch
        assert missing <= everything_removed & batch, (batch, missing)
    # The successes of the serial order the requests were sent in: 0-7, 8-15, 16-23.
    assert len(removed) == 3, answers
    left = {gid("QueueHook", hook.pk) for hook in await QueueHook.filter(queue=queue)}
    assert left == set(hooks) - everything_removed
    kinds = await QueueHookChange.filter(queue_id=queue.pk).values_list("kind", "hook_id")
    deleted = [gid("QueueHook", hook_id) for kind, hook_id in kinds if kind == ChangeKind.DELETED]
    assert sorted(deleted) == sorted(everything_removed)
    await queue.refresh_from_db()
    assert queue.revision == len(kinds)


RACE = {
    "deleteQueue": "mutation($id: ID!) { deleteQueue(id: $id) { __typename } }",
    "deleteQueueHooks": "mutation($ids: [ID!]!) { deleteQueueHooks(ids: $ids) { __typename } }",
    "createQueueHook": """
        mutation($q: ID!, $s: ID!) {
          createQueueHook(input: {queueId: $q, event: MISSED, flowSchemaId: $s}) { __typename }
        }""",
    "setQueueHookEnabled": """
        mutation($id: ID!, $on: Boolean!) {
          setQueueHookEnabled(id: $id, enabled: $on) { __typename }
        }""",
    "updateQueueHook": """
        mutation($id: ID!, $s: ID!) {
          updateQueueHook(input: {id: $id, flowSchemaId: $s, event: BRIDGED}) { __typename }
        }""",
    "renameFlowSchema": """
        mutation($id: ID!, $name: String!) { renameFlowSchema(id: $id, name: $name) { __typename } }
    """,
    "deleteFlowSchema": "mutation($id: ID!) { deleteFlowSchema(id: $id) { __typename } }",
}
ROUNDS = 15


async def test_writers_racing_a_queue_deletion_never_deadlock(database: str) -> None:
    failures: list[tuple[str, list[str]]] = []
    for round_ in range(ROUNDS):
        queue = await create_queue()
        used, spare = await create_flow_schema("used"), await create_flow_schema("spare")
        hooks = [
            gid("QueueHook", (await create_hook(queue, used, event, enabled=False)).pk)
            for event in (QueueHookEvent.JOINED, QueueHookEvent.ANSWERED, QueueHookEvent.LEAVING)
            for _ in range(2)
        ]
        q, s_used, s_spare = (
            gid("Queue", queue.pk),
            gid("FlowSchema", used.pk),
            gid("FlowSchema", spare.pk),
        )
        operations: list[tuple[str, dict[str, Any]]] = [
            ("deleteQueueHooks", {"ids": hooks[0:3]}),
            ("createQueueHook", {"q": q, "s": s_spare}),
            ("setQueueHookEnabled", {"id": hooks[3], "on": True}),
            ("updateQueueHook", {"id": hooks[4], "s": s_spare}),
            ("renameFlowSchema", {"id": s_used, "name": f"used {round_}"}),
            ("deleteQueueHooks", {"ids": hooks[2:6]}),
            ("deleteFlowSchema", {"id": s_spare}),
            ("setQueueHookEnabled", {"id": hooks[5], "on": True}),
        ]
        # The queue's deletion goes in at a different point each round.
        operations.insert(round_ % (len(operations) + 1), ("deleteQueue", {"id": q}))

        results = await asyncio.gather(
            *(run(RACE[name], variables) for name, variables in operations)
        )

        for (name, _), result in zip(operations, results, strict=True):
            if result.errors:
                failures.append((name, [str(e["message"]) for e in result.errors]))
                continue
            assert result.data is not None
            assert result.data[name]["__typename"].endswith(("Success", "Error")), result
    assert failures == []
