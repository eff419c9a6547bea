"""A client that stops reading: told to resync with no gap before it, and dropped on time.

The client is a bare socket with a tiny receive buffer. It subscribes, then asks for
large query results without reading them, until the server's send buffers are full
and results wait in the socket's outbox; then the queue changes.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.live.raw_ws import CLOSE, RawSocket
from tests.live.servers import CHANGES, Server, running_server
from tests.live.world import World, create_hook, given_a_queue, revision, toggle

SUBSCRIPTIONS = 20  # on one socket: each change is that many frames to send
SLOW = {
    # Room for the unread results and one change's frames; the second change overflows.
    "WS_OUTBOX_LIMIT": "50",
    "RATE_LIMIT_PER_SECOND": "0",
}
# About 600 KB of JSON each; FILLS of them are several times what the kernel buffers
# (up to 4 MB here) and the transport (64 KB) hold, and leave 2 * FILLS frames queued.
SCHEMA = (
    "__schema { types { name description fields { name description args { name description } } } }"
)
BIG = "{ " + " ".join(f"a{n}: {SCHEMA}" for n in range(25)) + " }"
FILLS = 14
MOST_CHANGES = 10


async def observed(server: Server, path: str) -> str:
    # The server answers after the big queries it is running (each holds the loop for
    # a while on a slow machine): waiting for that is the point, not a failure.
    async with httpx.AsyncClient(timeout=60) as client:
        return (await client.get(server.http.replace("/graphql", path))).text


async def health(server: Server) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(await observed(server, "/healthz"))
    return body


async def until(condition: Callable[[], Awaitable[bool]], within: float = 20) -> None:
    """Poll what the server reports until `condition` holds."""
    deadline = time.monotonic() + within
    while not await condition():
        assert time.monotonic() < deadline, "the server never got there"
        await asyncio.sleep(0.05)


@asynccontextmanager
async def stalled(server: Server, world: World) -> AsyncIterator[tuple[RawSocket, list[str]]]:
    """A socket subscribed SUBSCRIPTIONS times to the queue's changes, that stopped
    reading with its server's buffers full and query results waiting to be sent."""
    raw = await RawSocket.open(server, receive_buffer=4096)
    await raw.init()
    for n in range(FILLS):
        await raw.send({"id": f"fill-{n}", "type": "subscribe", "payload": {"query": BIG}})
    op_ids = [f"changes-{n}" for n in range(SUBSCRIPTIONS)]
    for op_id in op_ids:
        payload = {"query": CHANGES, "variables": {"q": world.queue_id}}
        await raw.send({"id": op_id, "type": "subscribe", "payload": payload})

    async def results_queued() -> bool:
        # Messages are handled in order, so once every subscription has joined, every
        # query has started; once only the subscriptions run, every result is queued.
        members = (await health(server))["sharedSubscribers"] == SUBSCRIPTIONS
        running = await observed(server, "/metrics")
        return members and f"subscriptions_active {SUBSCRIPTIONS}.0" in running

    try:
        await until(results_queued, within=60)
        yield raw, op_ids
    finally:
        raw.close()


async def change_until(server: Server, hook: str, done: Callable[[dict[str, Any]], bool]) -> int:
    """Toggle the hook until the server's health says `done` (or MOST_CHANGES times)."""
    for count in range(1, MOST_CHANGES + 1):
        await toggle(server, hook, enabled=count % 2 == 1)
        if done(await health(server)):
            return count
    return MOST_CHANGES


async def test_after_a_4429_nothing_more_is_sent_so_resuming_leaves_no_gap(
    sqlite_url: str,
) -> None:
    with running_server(sqlite_url, **SLOW, WS_CLOSE_TIMEOUT_SECONDS="60") as server:
        world = await given_a_queue(server)
        hook = await create_hook(server, world)
        start = await revision(server, world)
        async with stalled(server, world) as (raw, op_ids):
            changes = await change_until(server, hook, lambda h: h["sharedSubscribers"] == 0)
            frames, _ = await raw.frames_until_closed()  # reading again, at last

        revisions: dict[str, list[int]] = {op_id: [] for op_id in op_ids}
        for frame in frames[:-1]:
            message = frame.message
            if message["id"] in revisions:
                change = message["payload"]["data"]["queueHooksChanged"]
                revisions[message["id"]].append(change["revision"])
        for received in revisions.values():
            # A prefix of the changes: resuming from the last one misses nothing.
            assert received == list(range(start + 1, start + 1 + len(received)))
        assert changes < MOST_CHANGES  # the server stopped serving the socket
        assert frames[-1].opcode == CLOSE
        assert frames[-1].close_code == 4429
        assert "reconnect" in frames[-1].close_reason


async def test_a_socket_that_does_not_read_is_dropped_by_the_close_deadline(
    sqlite_url: str,
) -> None:
    with running_server(sqlite_url, **SLOW, WS_CLOSE_TIMEOUT_SECONDS="1") as server:
        world = await given_a_queue(server)
        hook = await create_hook(server, world)

        async def dropped() -> bool:
            return bool((await health(server))["websockets"] == 0)

        async with stalled(server, world) as (raw, _):
            # It never reads again: the 4429 cannot get out, so the deadline must act.
            await change_until(server, hook, lambda h: h["sharedSubscribers"] == 0)
            await until(dropped, within=10)
            frames, _ = await raw.frames_until_closed()
        assert await health(server) == {
            "status": "alive",
            "websockets": 0,
            "sharedSubscriptions": 0,
            "sharedSubscribers": 0,
            "feedWatchers": 0,
        }
        # Cut, not closed: the close frame never got past what the client left unread.
        assert all(frame.opcode != CLOSE for frame in frames)
