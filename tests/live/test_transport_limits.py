"""The same size and time limits on every transport, against a real server process."""

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from app.core.identity import ALL_PERMISSIONS, issue_token
from tests.live.conftest import ModuleServers
from tests.live.servers import (
    SECRET,
    TENANT,
    Server,
    Subscriber,
    authed_subscriber,
)

QUERY = "{ queues { totalCount } }"
ONE_MIB = 1_048_576


async def close_of(subscriber: Subscriber) -> tuple[int | None, str | None]:
    """Read until the server closes the socket: its close code and reason."""
    try:
        while True:
            await subscriber.receive(within=10)
    except ConnectionClosed as closed:
        return (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (None, None)


def long_valid_token(length: int) -> str:
    """A token that verifies, made long by its user name."""
    token = issue_token(
        SECRET, tenant=TENANT, user="u" * length, permissions=tuple(ALL_PERMISSIONS)
    )
    assert len(token) > length
    return token


async def post(server: Server, body: Any, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(server.http, json=body, headers=headers)


@pytest.fixture
def limited(request: pytest.FixtureRequest, module_servers: ModuleServers) -> Iterator[Server]:
    """The module's server with small limits; no test here stops or reconfigures it."""
    yield from module_servers.as_own_tenant(
        "sqlite",
        request,
        MAX_QUERY_BYTES="1000",
        BODY_TIMEOUT_SECONDS="1",
        MAX_HEADER_BYTES="16384",
    )


async def test_a_websocket_message_over_the_body_limit_is_refused_with_1009(
    limited: Server,
) -> None:
    subscriber = await authed_subscriber(limited)
    query = "#" + "x" * ONE_MIB + "\n" + QUERY  # a comment: cheap to send, slow to lex

    await subscriber.connection.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}})
    )

    code, reason = await close_of(subscriber)
    assert code == 1009
    assert reason is not None
    assert str(ONE_MIB) in reason


async def test_a_long_message_id_closes_with_4400_and_is_not_echoed(limited: Server) -> None:
    subscriber = await authed_subscriber(limited)

    await subscriber.connection.send(
        json.dumps({"id": "i" * 10_000, "type": "subscribe", "payload": {"query": QUERY}})
    )

    assert await close_of(subscriber) == (
        4400,
        "Invalid subscribe message: the id is longer than 128 characters",
    )


async def test_the_query_size_limit_is_the_same_over_http_and_websocket(limited: Server) -> None:
    query = QUERY + " " * 1000
    too_large = {
        "message": "the query is larger than 1000 bytes",
        "extensions": {"code": "REQUEST_TOO_LARGE"},
    }
    subscriber = await authed_subscriber(limited)

    over_http = await post(
        limited, {"query": query}, {"Authorization": f"Bearer {limited.token()}"}
    )
    op_id = await subscriber.subscribe(query, {})
    over_websocket = await subscriber.receive()

    assert over_http.status_code == 413
    assert over_http.json()["errors"] == [too_large]
    assert over_websocket == {"id": op_id, "type": "error", "payload": [too_large]}
    await subscriber.close()


async def test_a_token_over_the_length_limit_is_refused_before_it_is_checked(
    limited: Server,
) -> None:
    long_token = long_valid_token(8192)  # valid: only its length refuses it
    message = "the bearer token is longer than 8192 bytes"
    bearer = {"Authorization": f"Bearer {long_token}"}

    response = await post(limited, {"query": QUERY}, bearer)
    subscriber = await Subscriber.connect(limited.ws, bearer)

    assert response.status_code == 401
    assert response.json()["errors"] == [
        {"message": message, "extensions": {"code": "UNAUTHENTICATED"}}
    ]
    assert await close_of(subscriber) == (4403, f"Forbidden: {message}")


HEADERS_TOO_LARGE = {
    "message": "the request line and headers are larger than 16384 bytes",
    "extensions": {"code": "REQUEST_TOO_LARGE"},
}


async def test_headers_over_the_limit_are_refused_with_431(limited: Server) -> None:
    headers = {"Authorization": f"Bearer {limited.token()}", "X-Padding": "p" * 20_000}

    response = await post(limited, {"query": QUERY}, headers)

    assert response.status_code == 431
    assert response.json()["errors"] == [HEADERS_TOO_LARGE]


async def test_a_header_that_never_ends_is_cut_off_at_the_limit(limited: Server) -> None:
    loop = asyncio.get_running_loop()
    with socket.create_connection(("127.0.0.1", limited.port)) as sock:
        sock.setblocking(False)
        await loop.sock_sendall(sock, b"POST /graphql HTTP/1.1\r\nHost: t\r\nX-Padding: ")
        reading = asyncio.ensure_future(loop.sock_recv(sock, 65536))
        sent = 0
        while sent < ONE_MIB and not reading.done():
            await loop.sock_sendall(sock, b"p" * 8192)
            sent += 8192
            await asyncio.wait([reading], timeout=0.2)  # has the server answered yet?
        received = await asyncio.wait_for(reading, 10)
        while chunk := await loop.sock_recv(sock, 65536):  # until the server closes
            received += chunk

    status_line, _, rest = received.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 431 Request Header Fields Too Large"
    assert sent <= 16384 + 2 * 8192  # refused as soon as the limit was passed
    assert json.loads(rest.partition(b"\r\n\r\n")[2]) == {"errors": [HEADERS_TOO_LARGE]}


async def test_a_websocket_handshake_with_headers_over_the_limit_is_refused(
    limited: Server,
) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(
            limited.ws,
            subprotocols=[Subprotocol("graphql-transport-ws")],
            additional_headers={"X-Padding": "p" * 20_000},
        )

    assert refused.value.response.status_code == 431


@pytest.mark.parametrize("trickle", [False, True])
async def test_a_body_that_does_not_arrive_in_time_gets_408_and_the_connection_closes(
    limited: Server, trickle: bool
) -> None:
    loop = asyncio.get_running_loop()
    with socket.create_connection(("127.0.0.1", limited.port)) as sock:
        sock.setblocking(False)
        head = (
            "POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {limited.token()}\r\nContent-Length: 1000\r\n\r\n"
        )
        await loop.sock_sendall(sock, head.encode() + b'{"query": ')
        received = b""

        async def answered() -> None:
            nonlocal received
            while chunk := await loop.sock_recv(sock, 65536):  # until the server closes
                received += chunk

        reading = asyncio.ensure_future(answered())
        # A client that sends a byte now and then never lets the deadline pass unnoticed.
        while trickle and not reading.done():
            await loop.sock_sendall(sock, b" ")
            await asyncio.wait([reading], timeout=0.2)
        await asyncio.wait_for(reading, 10)

    status_line, _, rest = received.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 408 Request Timeout"
    assert b"connection: close" in rest.lower()
    assert json.loads(rest.partition(b"\r\n\r\n")[2]) == {
        "errors": [
            {
                "message": "the request body did not arrive within 1.0 s",
                "extensions": {"code": "REQUEST_TIMEOUT"},
            }
        ]
    }
