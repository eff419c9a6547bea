"""Queue.changes: a queue's recent changes from its change log, newest first,
each saying who made it and when; a removal carries the hook as it was."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.identity import Permission
from app.models import QueueHookEvent
from tests.factories import OTHER_TENANT, create_flow_schema, create_queue
from tests.graphql.client import gid, ok, principal, run

CHANGES = """
query($q: ID!, $first: Int, $after: String) {
  queue(id: $q) {
    changes(first: $first, after: $after) {
      edges { cursor node { revision kind hookId changedBy changedAt
        hook { id event enabled version updatedBy flowSchema { name } } } }
      nodes { revision }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
}
"""
CREATE = """
mutation($q: ID!, $s: ID!, $e: QueueHookEvent!, $on: Boolean!) {
  createQueueHook(input: {queueId: $q, flowSchemaId: $s, event: $e, enabled: $on}) {
    ... on CreateQueueHookSuccess { hook { id } } } }
"""
TOGGLE = """
mutation($id: ID!, $on: Boolean!) {
  setQueueHookEnabled(id: $id, enabled: $on) { __typename } }
"""
DELETE = """
mutation($ids: [ID!]!) { deleteQueueHooks(ids: $ids) { __typename } }
"""


async def create(queue_id: str, schema_id: str, user: str, event: str = "JOINED") -> str:
    data = await ok(
        CREATE,
        {"q": queue_id, "s": schema_id, "e": event, "on": False},
        principal(user=user),
    )
    hook_id: str = data["createQueueHook"]["hook"]["id"]
    return hook_id


async def changes(queue_id: str, **page: Any) -> dict[str, Any]:
    data = await ok(CHANGES, {"q": queue_id, **page})
    found: dict[str, Any] = data["queue"]["changes"]
    return found


async def test_each_change_says_who_made_it_and_when_newest_first(database: str) -> None:
    queue = gid("Queue", (await create_queue()).pk)
    schema = gid("FlowSchema", (await create_flow_schema(name="CRM sync")).pk)
    before = datetime.now(UTC) - timedelta(seconds=1)
    hook = await create(queue, schema, "alice")
    await ok(TOGGLE, {"id": hook, "on": True}, principal(user="bob"))
    await ok(DELETE, {"ids": [hook]}, principal(user="carol"))

    page = await changes(queue)

    nodes = [edge["node"] for edge in page["edges"]]
    assert [(n["revision"], n["kind"], n["hookId"], n["changedBy"]) for n in nodes] == [
        (3, "DELETED", hook, "carol"),
        (2, "UPDATED", hook, "bob"),
        (1, "CREATED", hook, "alice"),
    ]
    times = [datetime.fromisoformat(n["changedAt"]) for n in nodes]
    assert times == sorted(times, reverse=True)
    assert all(before <= t <= datetime.now(UTC) for t in times)
    assert page["nodes"] == [{"revision": n["revision"]} for n in nodes]
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["totalCount"] == len(nodes)


async def test_a_removal_carries_the_hook_as_it_was_just_before(database: str) -> None:
    queue = gid("Queue", (await create_queue()).pk)
    schema = gid("FlowSchema", (await create_flow_schema(name="CRM sync")).pk)
    first = await create(queue, schema, "alice", "JOINED")
    second = await create(queue, schema, "alice", "MISSED")
    await ok(TOGGLE, {"id": second, "on": True}, principal(user="bob"))

    await ok(DELETE, {"ids": [second, first]}, principal(user="carol"))

    removed = [e["node"] for e in (await changes(queue, first=2))["edges"]]
    assert [(n["kind"], n["hookId"]) for n in removed] == [("DELETED", second), ("DELETED", first)]
    assert [n["hook"] for n in removed] == [
        {
            "id": second,
            "event": "MISSED",
            "enabled": True,
            "version": 2,
            "updatedBy": "bob",
            "flowSchema": {"name": "CRM sync"},
        },
        {
            "id": first,
            "event": "JOINED",
            "enabled": False,
            "version": 1,
            "updatedBy": "alice",
            "flowSchema": {"name": "CRM sync"},
        },
    ]


async def test_pages_follow_each_other_by_cursor_while_changes_keep_coming(
    database: str,
) -> None:
    queue = gid("Queue", (await create_queue()).pk)
    schema = gid("FlowSchema", (await create_flow_schema()).pk)
    hook = await create(queue, schema, "alice")
    for i in range(11):
        await ok(TOGGLE, {"id": hook, "on": i % 2 == 0})

    first_page = await changes(queue, first=5)
    # Newer changes land at the front; the next page still continues after the cursor.
    await ok(TOGGLE, {"id": hook, "on": False})
    second_page = await changes(queue, first=5, after=first_page["pageInfo"]["endCursor"])
    last_page = await changes(queue, first=5, after=second_page["pageInfo"]["endCursor"])

    revisions = [
        [n["revision"] for n in page["nodes"]] for page in (first_page, second_page, last_page)
    ]
    assert revisions == [[12, 11, 10, 9, 8], [7, 6, 5, 4, 3], [2, 1]]
    assert [p["pageInfo"]["hasNextPage"] for p in (first_page, second_page, last_page)] == [
        True,
        True,
        False,
    ]


async def test_ten_changes_by_default_and_at_most_a_hundred(database: str) -> None:
    queue_row = await create_queue()
    queue = gid("Queue", queue_row.pk)
    schema = gid("FlowSchema", (await create_flow_schema()).pk)
    events = list(QueueHookEvent)
    for i in range(12):
        await create(queue, schema, "alice", events[i % len(events)].name)

    default = await changes(queue)
    too_many = await run(CHANGES, {"q": queue, "first": 101})

    assert [n["revision"] for n in default["nodes"]] == list(range(12, 2, -1))
    assert too_many.data == {"queue": None}
    assert [e["extensions"]["code"] for e in too_many.errors] == ["BAD_USER_INPUT"]
    assert too_many.errors[0]["path"] == ["queue", "changes"]


async def test_a_cursor_that_is_not_a_change_cursor_is_refused(database: str) -> None:
    queue = gid("Queue", (await create_queue()).pk)
    schema = gid("FlowSchema", (await create_flow_schema()).pk)
    await create(queue, schema, "alice", "JOINED")
    await create(queue, schema, "alice", "MISSED")
    hooks = await ok(
        "query($q: ID!) { queueHooks(queueId: $q, first: 1) { pageInfo { endCursor } } }",
        {"q": queue},
    )

    for cursor in (hooks["queueHooks"]["pageInfo"]["endCursor"], "not-a-cursor", ""):
        result = await run(CHANGES, {"q": queue, "first": 1, "after": cursor})

        assert result.data == {"queue": None}
        assert [e["extensions"]["code"] for e in result.errors] == ["BAD_USER_INPUT"]
        assert result.errors[0]["extensions"]["field"] == "after"


async def test_changes_need_queue_read_and_stay_in_the_tenant(database: str) -> None:
    own = await create_queue()
    theirs = await create_queue(tenant=OTHER_TENANT)
    schema = gid("FlowSchema", (await create_flow_schema()).pk)
    await create(gid("Queue", own.pk), schema, "alice")

    unreadable = await run(
        CHANGES, {"q": gid("Queue", own.pk)}, principal(permissions=(Permission.FLOWS_READ,))
    )
    foreign = await ok(CHANGES, {"q": gid("Queue", theirs.pk)})

    assert [e["extensions"]["code"] for e in unreadable.errors] == ["FORBIDDEN"]
    assert foreign == {"queue": None}
