"""Who may subscribe: tokens in connection_init, tenants, permissions, expiry."""

import json
import time
from pathlib import Path

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin, Subprotocol

from app.core.identity import MALFORMED, Permission
from tests.live.servers import (
    CHANGES,
    Server,
    Subscriber,
    authed_subscriber,
    next_events,
    running_servers,
    token,
)
from tests.live.world import create_hook, given_a_queue, revision


async def closed_with(subscriber: Subscriber) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        await subscriber.receive(within=10)
    return closed.value.rcvd.code if closed.value.rcvd else None


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": f"Bearer {token(ttl=-5)}"},
    ],
    ids=["no token", "garbage", "not bearer", "expired"],
)
async def test_a_missing_or_invalid_token_closes_with_4403(
    sqlite_server: Server, payload: dict[str, str]
) -> None:
    subscriber = await Subscriber.connect(sqlite_server.ws, payload)

    assert await closed_with(subscriber) == 4403


async def test_a_token_also_works_as_a_plain_token_field(sqlite_server: Server) -> None:
    subscriber = await Subscriber.connect(sqlite_server.ws, {"token": sqlite_server.token()})

    await subscriber.acknowledged()
    await subscriber.close()


async def test_the_socket_closes_with_4403_when_its_token_expires(
    sqlite_server: Server,
) -> None:
    subscriber = await authed_subscriber(sqlite_server, sqlite_server.token(ttl=2))
    started = time.monotonic()

    assert await closed_with(subscriber) == 4403
    assert 1.0 <= time.monotonic() - started <= 6.0


async def test_another_tenants_queue_is_refused_like_the_query(server: Server) -> None:
    world = await given_a_queue(server)
    intruder = await authed_subscriber(server, token(tenant="globex"))

    op_id = await intruder.subscribe(CHANGES, {"q": world.queue_id})
    message = await intruder.receive()

    assert message["id"] == op_id
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    await intruder.close()


async def test_without_read_permission_the_subscription_is_forbidden(server: Server) -> None:
    world = await given_a_queue(server)
    writer_only = await authed_subscriber(
        server, server.token(permissions=(Permission.QUEUES_WRITE,))
    )

    await writer_only.subscribe(CHANGES, {"q": world.queue_id})
    message = await writer_only.receive()

    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    await writer_only.close()


async def test_changes_never_reach_another_tenant(server: Server) -> None:
    ours = await given_a_queue(server)
    theirs_token = token(tenant="globex")
    theirs = await given_a_queue(server, bearer=theirs_token)
    watcher = await authed_subscriber(server)
    await watcher.subscribe(CHANGES, {"q": ours.queue_id, "after": await revision(server, ours)})

    await create_hook(server, theirs, bearer=theirs_token)
    await create_hook(server, theirs, "MISSED", bearer=theirs_token)
    mine = await create_hook(server, ours)
    events = await next_events(watcher, 1)

    assert [(e["hookId"], e["revision"]) for e in events] == [(mine, 1)]
    with pytest.raises(TimeoutError):
        await watcher.receive(within=0.5)
    await watcher.close()


async def test_a_foreign_browser_origin_is_refused_with_the_setting_named(
    sqlite_url: str, tmp_path: Path
) -> None:
    with running_servers(sqlite_url, 1, logs=tmp_path) as (server,):
        refusals = []
        for _ in range(2):
            with pytest.raises(InvalidStatus) as refused:
                await websockets.connect(
                    server.ws,
                    subprotocols=[Subprotocol("graphql-transport-ws")],
                    origin=Origin("https://evil.example"),
                )
            refusals.append(refused.value.response)

    for response in refusals:
        assert response.status_code == 403
        [error] = json.loads(response.body)["errors"]
        assert error["extensions"] == {"code": "ORIGIN_NOT_ALLOWED", "setting": "ALLOWED_ORIGINS"}
        assert "https://evil.example" in error["message"]
    log = (tmp_path / "0.log").read_text()
    refused_line = (
        "refused browser origin https://evil.example; to allow it, add it to ALLOWED_ORIGINS"
    )
    assert log.count(refused_line) == 1  # once, however often it knocks


async def _refusal(server: Server, payload: dict[str, object], headers: dict[str, str]) -> str:
    connection = await websockets.connect(
        server.ws, subprotocols=[Subprotocol("graphql-transport-ws")], additional_headers=headers
    )
    await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
    with pytest.raises(ConnectionClosed) as closed:
        await connection.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    return closed.value.rcvd.reason


async def test_a_refused_socket_is_told_why_and_where_the_token_goes(
    sqlite_server: Server,
) -> None:
    bearer = {"Authorization": f"Bearer {sqlite_server.token()}"}
    where = 'payload {"Authorization": "Bearer <jwt>"}'
    cases: list[tuple[dict[str, object], dict[str, str], str]] = [
        ({}, {}, f"no token: send connection_init with {where}"),
        ({}, bearer, f"send the token in connection_init {where}, not the upgrade's headers"),
        (
            {"headers": bearer},
            {},
            f"send the token in connection_init {where}, not payload.headers",
        ),
        ({"Authorization": f"Bearer {sqlite_server.token(ttl=-5)}"}, {}, "the token has expired"),
        ({"Authorization": "Bearer not-a-token"}, {}, MALFORMED),
    ]
    reasons = [await _refusal(sqlite_server, payload, headers) for payload, headers, _ in cases]

    assert reasons == [f"Forbidden: {expected}" for _, _, expected in cases]
