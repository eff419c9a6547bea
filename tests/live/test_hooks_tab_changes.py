"""What the Hooks tab reads from the change feed, over real WebSockets to a real
server: who made each change and when, the hook as it was when it was removed, and
the atomic switch of which hook is enabled for an event, raced."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app.core.identity import ALL_PERMISSIONS, issue_token
from tests.live.servers import SECRET, Server, authed_subscriber, next_events
from tests.live.world import create_hook, given_a_queue, revision, toggle

CHANGES = """
subscription($q: ID!, $after: Int) {
  queueHooksChanged(queueId: $q, afterRevision: $after) {
    ... on QueueHookChange { revision kind hookId changedBy changedAt
      hook { id event enabled version updatedBy } }
  }
}
"""
SWITCH = """
mutation($id: ID!, $v: Int) {
  setQueueHookEnabled(id: $id, enabled: true, expectedVersion: $v, replaceEnabled: true) {
    __typename
    ... on SetQueueHookEnabledSuccess { hook { id enabled } disabledHook { id enabled } }
    ... on Error { code }
  }
}
"""
ENABLED = """
query($q: ID!) { queueHooks(queueId: $q, filter: {enabled: true}, first: 100) { nodes { id } } }
"""


def bearer(server: Server, user: str) -> str:
    return issue_token(SECRET, tenant=server.tenant, user=user, permissions=tuple(ALL_PERMISSIONS))


def view(event: dict[str, Any]) -> tuple[Any, ...]:
    hook = event["hook"]
    return (event["kind"], event["hookId"], event["changedBy"], hook and hook["version"])


async def test_live_and_replayed_changes_say_who_and_when_and_what_was_removed(
    server: Server,
) -> None:
    world = await given_a_queue(server)
    start = await revision(server, world)
    live = await authed_subscriber(server)
    await live.subscribe(CHANGES, {"q": world.queue_id, "after": start})
    before = datetime.now(UTC) - timedelta(seconds=1)

    first = await create_hook(server, world, "JOINED", bearer=bearer(server, "alice"))
    second = await create_hook(server, world, "MISSED", bearer=bearer(server, "alice"))
    await server.graphql(
        "mutation($ids: [ID!]!) { deleteQueueHooks(ids: $ids) { __typename } }",
        {"ids": [second]},
        bearer=bearer(server, "bob"),
    )
    await server.graphql(
        "mutation($q: ID!) { deleteQueue(id: $q) { __typename } }",
        {"q": world.queue_id},
        bearer=bearer(server, "carol"),
    )
    seen = await next_events(live, 4)
    await live.close()

    expected = [
        ("CREATED", first, "alice", 1),
        ("CREATED", second, "alice", 1),
        ("DELETED", second, "bob", 1),
        ("DELETED", first, "carol", 1),
    ]
    assert [view(e) for e in seen] == expected
    assert seen[2]["hook"] == {
        "id": second,
        "event": "MISSED",
        "enabled": False,
        "version": 1,
        "updatedBy": "alice",
    }
    assert seen[3]["hook"]["event"] == "JOINED"
    times = [datetime.fromisoformat(e["changedAt"]) for e in seen]
    assert times == sorted(times)
    assert all(before <= t <= datetime.now(UTC) for t in times)


async def test_a_replay_shows_the_same_authors_and_removed_hooks(server: Server) -> None:
    world = await given_a_queue(server)
    hook = await create_hook(server, world, "ANSWERED", bearer=bearer(server, "alice"))
    await toggle(server, hook, True)  # as the default live user
    await server.graphql(
        "mutation($ids: [ID!]!) { deleteQueueHooks(ids: $ids) { __typename } }",
        {"ids": [hook]},
        bearer=bearer(server, "bob"),
    )

    subscriber = await authed_subscriber(server)
    await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": 0})
    replayed = await next_events(subscriber, 3)

    assert [view(e) for e in replayed] == [
        ("CREATED", hook, "alice", 1),
        ("UPDATED", hook, "live", 2),
        ("DELETED", hook, "bob", 2),
    ]
    assert replayed[2]["hook"]["enabled"] is True
    await subscriber.close()


async def switch(client: httpx.AsyncClient, server: Server, hook_id: str) -> dict[str, Any]:
    response = await client.post(
        server.http,
        json={"query": SWITCH, "variables": {"id": hook_id}},
        headers={"Authorization": f"Bearer {bearer(server, 'racer')}"},
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["setQueueHookEnabled"]
    return result


async def test_racing_switches_leave_exactly_one_hook_enabled_and_log_both_changes(
    server: Server,
) -> None:
    world = await given_a_queue(server)
    hooks = [await create_hook(server, world, "MISSED", enabled=i == 0) for i in range(4)]
    start = await revision(server, world)
    subscriber = await authed_subscriber(server)
    await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": start})

    outcomes: list[dict[str, Any]] = []
    async with httpx.AsyncClient(timeout=20) as client:
        for round_ in range(6):
            racers = [hooks[(round_ + k) % len(hooks)] for k in (1, 2, 3)]
            results = await asyncio.gather(*(switch(client, server, h) for h in racers))
            outcomes += results
            enabled = await server.graphql(ENABLED, {"q": world.queue_id})
            assert len(enabled["queueHooks"]["nodes"]) == 1, (round_, results)

    # Each switch either won outright or found its hook already enabled by nobody
    # else; there are no other outcomes, and never an untyped error.
    assert {o["__typename"] for o in outcomes} == {"SetQueueHookEnabledSuccess"}
    replaced = [o for o in outcomes if o["disabledHook"] is not None]
    assert all(o["disabledHook"]["enabled"] is False for o in replaced)
    assert all(o["hook"]["enabled"] is True for o in outcomes)
    # Each replacement is two consecutive changes of the log: the old hook off, the new on.
    changes = await next_events(subscriber, 2 * len(replaced))
    pairs = [(changes[i], changes[i + 1]) for i in range(0, len(changes), 2)]
    assert [(off["hook"]["enabled"], on["hook"]["enabled"]) for off, on in pairs] == [
        (False, True)
    ] * len(pairs)
    assert sorted((off["hookId"], on["hookId"]) for off, on in pairs) == sorted(
        (o["disabledHook"]["id"], o["hook"]["id"]) for o in replaced
    )
    assert all(off["changedBy"] == on["changedBy"] == "racer" for off, on in pairs)
    await subscriber.close()
