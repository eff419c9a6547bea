"""queueHooksChanged over a real WebSocket to a real server process."""

import asyncio
from typing import Any

import httpx
import pytest

from tests.live.servers import CHANGES, Server, authed_subscriber, next_events
from tests.live.world import create_hook, given_a_queue, revision, toggle


async def test_a_subscriber_sees_each_kind_of_change_in_order(server: Server) -> None:
    world = await given_a_queue(server)
    subscriber = await authed_subscriber(server)
    # Subscribing from the revision read first means no change can slip past,
    # however long the subscription takes to start.
    await subscriber.subscribe(
        CHANGES, {"q": world.queue_id, "after": await revision(server, world)}
    )

    first = await create_hook(server, world, "JOINED")
    second = await create_hook(server, world, "MISSED", enabled=True)
    await server.graphql(
        "mutation($id: ID!) { updateQueueHook(input: {id: $id, event: ANSWERED}) { __typename } }",
        {"id": first},
    )
    await toggle(server, second, False)
    await server.graphql(
        "mutation($ids: [ID!]!) { deleteQueueHooks(ids: $ids) { __typename } }",
        {"ids": [first, second]},
    )
    events = await next_events(subscriber, 6)

    assert [(e["kind"], e["hookId"]) for e in events] == [
        ("CREATED", first),
        ("CREATED", second),
        ("UPDATED", first),
        ("UPDATED", second),
        ("DELETED", first),
        ("DELETED", second),
    ]
    assert [e["revision"] for e in events] == list(range(1, 7))
    assert events[2]["hook"]["event"] == "ANSWERED"
    assert events[2]["hook"]["version"] == 2
    assert events[3]["hook"]["enabled"] is False
    # A removal carries the hook as it was just before.
    assert events[4]["hook"]["event"] == "ANSWERED"
    assert events[4]["hook"]["version"] == 2
    assert events[5]["hook"]["enabled"] is False
    await subscriber.close()


async def test_replay_from_an_old_revision_while_changes_keep_committing(server: Server) -> None:
    world = await given_a_queue(server)
    events_ = ("JOINED", "ANSWERED", "OFFERING", "BRIDGED", "MISSED")
    hooks = [await create_hook(server, world, event) for event in events_]
    assert await revision(server, world) == 5

    async def keep_changing() -> None:
        for i in range(30):
            await toggle(server, hooks[i % 5], (i // 5) % 2 == 0)

    writer = asyncio.create_task(keep_changing())
    subscriber = await authed_subscriber(server)
    await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": 2})
    events = await next_events(subscriber, 33, within=20)
    await writer

    assert [e["revision"] for e in events] == list(range(3, 36)), (
        "each change exactly once, in order"
    )
    assert [e["kind"] for e in events[:3]] == ["CREATED"] * 3
    await asyncio.sleep(0.3)
    with pytest.raises(TimeoutError):
        await subscriber.receive(within=0.5)  # and nothing more
    await subscriber.close()


async def test_deleting_the_queue_deletes_each_hook_then_completes(server: Server) -> None:
    world = await given_a_queue(server)
    hooks = [await create_hook(server, world, e) for e in ("JOINED", "MISSED")]
    subscriber = await authed_subscriber(server)
    op_id = await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": 2})

    await server.graphql(
        "mutation($q: ID!) { deleteQueue(id: $q) { __typename } }", {"q": world.queue_id}
    )
    events = await next_events(subscriber, 2)
    completed = await subscriber.receive()

    assert [(e["kind"], e["hookId"]) for e in events] == [("DELETED", h) for h in hooks]
    assert [e["hook"]["event"] for e in events] == ["JOINED", "MISSED"]
    assert completed == {"id": op_id, "type": "complete"}
    await subscriber.close()


async def test_an_unknown_revision_asks_for_a_resync(server: Server) -> None:
    world = await given_a_queue(server)
    await create_hook(server, world)
    subscriber = await authed_subscriber(server)

    op_id = await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": 99})
    events = await next_events(subscriber, 1)
    completed = await subscriber.receive()

    assert events == [
        {
            "__typename": "QueueHooksResyncRequired",
            "currentRevision": 1,
            "reason": "revision 99 is ahead of the queue's current revision 1: it did not "
            "come from this queue (or the queue was recreated); refetch the list",
        }
    ]
    assert completed == {"id": op_id, "type": "complete"}
    await subscriber.close()


async def test_a_negative_revision_is_a_bad_user_input_error(server: Server) -> None:
    world = await given_a_queue(server)
    subscriber = await authed_subscriber(server)

    op_id = await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": -1})
    refused = await subscriber.receive()
    await subscriber.close()

    assert refused["id"] == op_id
    assert refused["type"] == "error"
    [error] = refused["payload"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "afterRevision"}


def first_error(message: dict[str, Any]) -> dict[str, Any]:
    assert message["type"] in ("error", "next"), message
    payload = message["payload"]
    errors: list[dict[str, Any]] = payload if isinstance(payload, list) else payload["errors"]
    return errors[0]


async def test_a_fragment_at_the_root_is_served_by_the_fan_out_too(
    own_server: Server,
) -> None:
    # Its own server: the health it reads counts every subscription of the process.
    # Its arguments are read as execution reads them (here a literal in a fragment):
    # every queueHooksChanged document goes through the one live path.
    world = await given_a_queue(own_server)
    first = await create_hook(own_server, world)
    subscriber = await authed_subscriber(own_server)
    await subscriber.subscribe(
        """subscription($q: ID!) { ...Changes }
           fragment Changes on Subscription {
             queueHooksChanged(queueId: $q, afterRevision: 0) {
               ... on QueueHookChange { revision kind hookId } } }""",
        {"q": world.queue_id},
    )

    second = await create_hook(own_server, world, "MISSED")
    events = await next_events(subscriber, 2)
    async with httpx.AsyncClient() as client:
        health = (await client.get(own_server.http.replace("/graphql", "/healthz"))).json()

    assert events == [
        {"revision": 1, "kind": "CREATED", "hookId": first},
        {"revision": 2, "kind": "CREATED", "hookId": second},
    ]
    assert health["sharedSubscriptions"] == 1
    await subscriber.close()
