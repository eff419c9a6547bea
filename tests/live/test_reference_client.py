"""The reference graphql-transport-ws client (graphql-ws, npm) against a real server.

Our WebSocket protocol is our own code (app/web/ws.py); this proves it with the
client that front ends and runtimes actually use. The client lives in
tests/clients/graphql-ws (`make install` runs `npm ci` there when npm exists).
Without Node.js these tests skip with one line, except in CI, where they fail.
"""

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
from tests.live.servers import CHANGES, Server
from tests.live.world import create_hook, given_a_queue, revision, toggle

CLIENT_DIR = Path(__file__).resolve().parents[1] / "clients" / "graphql-ws"


def node_or_skip() -> str:
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = "Node.js is not installed (the reference graphql-ws client runs on it)"
    elif not (CLIENT_DIR / "node_modules" / "graphql-ws").is_dir():
        reason = f"run `npm ci` in {CLIENT_DIR} (make install does when npm exists)"
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI requires the reference client: {reason}")
        pytest.skip(reason)
    assert node is not None
    return node


class ReferenceClient:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, server: Server, query: str, **options: Any) -> "ReferenceClient":
        arguments = {"url": server.ws, "token": server.token(), "query": query, **options}
        process = await asyncio.create_subprocess_exec(
            node_or_skip(),
            str(CLIENT_DIR / "client.mjs"),
            json.dumps(arguments),
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def line(self, within: float = 10) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(within):
            raw = await self.process.stdout.readline()
        assert raw, "the client exited early"
        parsed: dict[str, Any] = json.loads(raw)
        return parsed

    async def exit_code(self) -> int:
        async with asyncio.timeout(10):
            return await self.process.wait()


@pytest.fixture
async def clients() -> AsyncIterator[list[ReferenceClient]]:
    started: list[ReferenceClient] = []
    yield started
    for client in started:
        if client.process.returncode is None:
            client.process.kill()
            await client.process.wait()


async def test_replay_then_live_changes(server: Server, clients: list[ReferenceClient]) -> None:
    world = await given_a_queue(server)
    start = await revision(server, world)
    first = await create_hook(server, world, "MISSED")  # before subscribing: replayed
    client = await ReferenceClient.start(
        server, CHANGES, variables={"q": world.queue_id, "after": start}, results=3
    )
    clients.append(client)
    replayed = await client.line()
    second = await create_hook(server, world, "JOINED")
    await toggle(server, second, True)
    live = [await client.line(), await client.line()]

    changes = [r["data"]["queueHooksChanged"] for r in [replayed, *live]]
    assert [(c["revision"], c["kind"], c["hookId"]) for c in changes] == [
        (start + 1, "CREATED", first),
        (start + 2, "CREATED", second),
        (start + 3, "UPDATED", second),
    ]
    assert await client.line() == {"done": True}
    assert await client.exit_code() == 0


async def test_a_query_over_the_socket_completes(
    sqlite_server: Server, clients: list[ReferenceClient]
) -> None:
    client = await ReferenceClient.start(sqlite_server, "{ queues { totalCount } }")
    clients.append(client)

    assert await client.line() == {"data": {"queues": {"totalCount": 0}}}
    assert await client.line() == {"done": True}
    assert await client.exit_code() == 0


async def test_a_refused_subscription_is_an_error_the_client_understands(
    sqlite_server: Server, clients: list[ReferenceClient]
) -> None:
    client = await ReferenceClient.start(sqlite_server, CHANGES, variables={"q": "not-an-id"})
    clients.append(client)

    outcome = await client.line()
    # The same answer as over HTTP, from the shared-subscription path too.
    assert outcome["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "queueId"}
    assert await client.exit_code() == 1


async def test_a_bad_token_closes_with_4403(
    sqlite_server: Server, clients: list[ReferenceClient]
) -> None:
    client = await ReferenceClient.start(
        sqlite_server, "{ queues { totalCount } }", token="garbage"
    )
    clients.append(client)

    assert (await client.line())["closed"] == 4403
    assert await client.exit_code() == 1
