"""The graphql-transport-ws protocol, as the reference graphql-ws client expects it."""

import asyncio
import json
import signal

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.live.servers import (
    CHANGES,
    Server,
    Subscriber,
    authed_subscriber,
    next_events,
    running_server,
    token,
)
from tests.live.world import create_hook, given_a_queue, revision


async def close_code(subscriber: Subscriber) -> int | None:
    """Read until the server closes the socket; the close code it sent."""
    try:
        while True:
            await subscriber.receive(within=10)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def test_ping_is_answered_with_pong(sqlite_server: Server) -> None:
    subscriber = await authed_subscriber(sqlite_server)

    await subscriber.connection.send(json.dumps({"type": "ping"}))

    assert await subscriber.receive() == {"type": "pong"}
    await subscriber.close()


async def test_subscribe_before_init_closes_with_4401(sqlite_server: Server) -> None:
    import websockets
    from websockets.typing import Subprotocol

    connection = await websockets.connect(
        sqlite_server.ws, subprotocols=[Subprotocol("graphql-transport-ws")]
    )
    await connection.send(
        json.dumps(
            {"id": "1", "type": "subscribe", "payload": {"query": "{ queues { totalCount } }"}}
        )
    )

    assert await close_code(Subscriber(connection)) == 4401


async def test_a_second_init_closes_with_4429(sqlite_server: Server) -> None:
    subscriber = await authed_subscriber(sqlite_server)

    await subscriber.connection.send(json.dumps({"type": "connection_init", "payload": {}}))

    assert await close_code(subscriber) == 4429


async def test_a_duplicate_operation_id_closes_with_4409(sqlite_server: Server) -> None:
    world = await given_a_queue(sqlite_server)
    subscriber = await authed_subscriber(sqlite_server)
    await subscriber.subscribe(CHANGES, {"q": world.queue_id})
    subscriber._next_id = 0  # reuse id "1"

    await subscriber.subscribe(CHANGES, {"q": world.queue_id})

    assert await close_code(subscriber) == 4409


async def test_garbage_closes_with_4400(sqlite_server: Server) -> None:
    subscriber = await authed_subscriber(sqlite_server)

    await subscriber.connection.send("not json")

    assert await close_code(subscriber) == 4400


async def test_a_binary_frame_closes_with_4400(sqlite_server: Server) -> None:
    subscriber = await authed_subscriber(sqlite_server)

    await subscriber.connection.send(b"\x00binary")

    assert await close_code(subscriber) == 4400  # it used to drop without a close frame


async def test_no_init_within_the_timeout_closes_with_4408(sqlite_url: str) -> None:
    import websockets
    from websockets.typing import Subprotocol

    with running_server(sqlite_url, WS_INIT_TIMEOUT_SECONDS="0.5") as server:
        connection = await websockets.connect(
            server.ws, subprotocols=[Subprotocol("graphql-transport-ws")]
        )

        assert await close_code(Subscriber(connection)) == 4408


async def test_queries_and_mutations_also_run_over_the_socket(sqlite_server: Server) -> None:
    subscriber = await authed_subscriber(sqlite_server)

    op_id = await subscriber.subscribe("{ queues { totalCount } }", {})
    result = await subscriber.receive()
    done = await subscriber.receive()

    assert result == {
        "id": op_id,
        "type": "next",
        "payload": {"data": {"queues": {"totalCount": 0}}},
    }
    assert done == {"id": op_id, "type": "complete"}
    await subscriber.close()


async def test_an_invalid_document_is_an_error_message(sqlite_server: Server) -> None:
    subscriber = await authed_subscriber(sqlite_server)

    op_id = await subscriber.subscribe("subscription { nope }", {})
    message = await subscriber.receive()

    assert message["id"] == op_id
    assert message["type"] == "error"
    assert "nope" in message["payload"][0]["message"]
    await subscriber.close()


async def test_the_operations_limit_per_socket(sqlite_url: str) -> None:
    with running_server(sqlite_url, MAX_SUBSCRIPTIONS_PER_CONNECTION="2") as server:
        world = await given_a_queue(server)
        subscriber = await authed_subscriber(server)
        for _ in range(2):
            await subscriber.subscribe(CHANGES, {"q": world.queue_id})

        third = await subscriber.subscribe(CHANGES, {"q": world.queue_id})
        message = await subscriber.receive()

        assert message == {
            "id": third,
            "type": "error",
            "payload": [{"message": "Subscription limit reached"}],
        }
        await subscriber.close()


async def test_variables_over_the_limit_are_refused(sqlite_url: str) -> None:
    with running_server(sqlite_url, MAX_VARIABLES_BYTES="50") as server:
        world = await given_a_queue(server)
        subscriber = await authed_subscriber(server)
        fits = await subscriber.subscribe(CHANGES, {"q": world.queue_id})
        too_large = await subscriber.subscribe(CHANGES, {"q": world.queue_id, "pad": "x" * 60})
        message = await subscriber.receive()

        assert fits != too_large
        assert message == {
            "id": too_large,
            "type": "error",
            "payload": [
                {
                    "message": "the variables are larger than 50 bytes",
                    "extensions": {"code": "REQUEST_TOO_LARGE"},
                }
            ],
        }
        await subscriber.close()


async def test_completing_a_subscription_stops_it(server: Server) -> None:
    world = await given_a_queue(server)
    subscriber = await authed_subscriber(server)
    op_id = await subscriber.subscribe(CHANGES, {"q": world.queue_id})

    await subscriber.connection.send(json.dumps({"id": op_id, "type": "complete"}))
    await create_hook(server, world)

    with pytest.raises(TimeoutError):
        await subscriber.receive(within=0.5)
    await subscriber.close()


async def test_identical_subscribers_share_one_execution(own_server: Server) -> None:
    world = await given_a_queue(own_server)
    start = await revision(own_server, world)
    subscribers = [await authed_subscriber(own_server) for _ in range(5)]
    for subscriber in subscribers:
        await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": start})
    other_tenant = await authed_subscriber(own_server, token(tenant="globex"))
    await other_tenant.subscribe(CHANGES, {"q": world.queue_id})  # refused: not theirs

    hook = await create_hook(own_server, world)
    received = await asyncio.gather(*(next_events(s, 1) for s in subscribers))
    async with httpx.AsyncClient() as client:
        health = (await client.get(own_server.http.replace("/graphql", "/healthz"))).json()
        metrics = (await client.get(own_server.http.replace("/graphql", "/metrics"))).text

    assert all(events[0]["hookId"] == hook for events in received)
    assert health["sharedSubscriptions"] == 1
    assert health["feedWatchers"] == 1
    assert health["websockets"] == 6
    assert "subscriptions_active 5.0" in metrics  # the refused one is not running
    assert "subscription_members 5.0" in metrics
    for subscriber in [*subscribers, other_tenant]:
        await subscriber.close()


async def test_starting_subscriptions_is_rate_limited(sqlite_url: str) -> None:
    with running_server(sqlite_url, RATE_LIMIT_PER_SECOND="0.01", RATE_LIMIT_BURST="2") as server:
        subscriber = await authed_subscriber(server)
        for _ in range(2):
            await subscriber.subscribe("{ queues { totalCount } }", {})
            assert (await subscriber.receive())["type"] == "next"
            assert (await subscriber.receive())["type"] == "complete"

        third = await subscriber.subscribe("{ queues { totalCount } }", {})
        refused = await subscriber.receive()

        assert refused["id"] == third
        assert refused["type"] == "error"
        extensions = refused["payload"][0]["extensions"]
        assert extensions["code"] == "RATE_LIMITED"
        assert 90 <= extensions["retryAfter"] <= 100  # a whole token at 0.01/s
        await subscriber.close()


async def test_sigterm_closes_sockets_with_1001_so_clients_go_elsewhere(
    own_server: Server,
) -> None:
    subscriber = await authed_subscriber(own_server)
    world = await given_a_queue(own_server)
    await subscriber.subscribe(CHANGES, {"q": world.queue_id})

    own_server.process.send_signal(signal.SIGTERM)

    assert await close_code(subscriber) == 1001
    # uvicorn re-raises the signal once it has shut down, as process managers expect.
    assert await asyncio.to_thread(own_server.process.wait, 10) == -signal.SIGTERM
