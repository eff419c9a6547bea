"""Real server processes and a graphql-transport-ws client for live tests."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from app.core.identity import ALL_PERMISSIONS, issue_token

SECRET = "live-test-secret-long-enough-for-hs256"
TENANT = "acme"


def token(
    tenant: str = TENANT, permissions: tuple[str, ...] = tuple(ALL_PERMISSIONS), ttl: int = 600
) -> str:
    return issue_token(SECRET, tenant=tenant, user="live", permissions=permissions, ttl_seconds=ttl)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """A server process, as seen by callers of one tenant: its tokens name `tenant`."""

    port: int
    process: subprocess.Popen[bytes]
    tenant: str = TENANT

    def as_tenant(self, tenant: str) -> "Server":
        """The same process, called by `tenant` (whose queues and counts no one else sees)."""
        return replace(self, tenant=tenant)

    def token(
        self,
        tenant: str | None = None,
        permissions: tuple[str, ...] = tuple(ALL_PERMISSIONS),
        ttl: int = 600,
    ) -> str:
        return token(tenant or self.tenant, permissions, ttl)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, bearer: str | None = None
    ) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(
                self.http,
                json={"query": query, "variables": variables or {}},
                headers={"Authorization": f"Bearer {bearer or self.token()}"},
            )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


@contextmanager
def running_server(database_url: str, **env: str) -> Iterator[Server]:
    """`python -m app serve` in its own process, ready when /healthz answers."""
    with running_servers(database_url, 1, env=env) as (server,):
        yield server


@contextmanager
def running_servers(
    database_url: str,
    count: int,
    *,
    migrate: bool = False,
    logs: Path | None = None,
    env: dict[str, str] | None = None,
    ports: list[int] | None = None,
) -> Iterator[list[Server]]:
    """`count` servers started at once (as replicas are), each logging to logs/<n>.log,
    on `ports` (e.g. to restart one where its clients reconnect) or free ones."""
    servers = []
    try:
        for n in range(count):
            port = ports[n] if ports else free_port()
            output = open(logs / f"{n}.log", "wb") if logs else nullcontext(subprocess.DEVNULL)  # noqa: SIM115
            with output as log:  # the child keeps its own copy of the file
                process = subprocess.Popen(
                    [sys.executable, "-m", "app", "serve", *([] if migrate else ["--no-migrate"])],
                    env={
                        **os.environ,
                        "APP_ENV": "test",
                        "DATABASE_URL": database_url,
                        "JWT_SECRET": SECRET,
                        "PORT": str(port),
                        **(env or {}),
                    },
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            servers.append(Server(port=port, process=process))
        for server in servers:
            _wait_until_alive(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


def _wait_until_alive(server: Server) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server on port {server.port} did not start")
        time.sleep(0.1)


class Subscriber:
    """One graphql-transport-ws connection, as the reference graphql-ws client speaks it."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._next_id = 0

    @classmethod
    async def connect(cls, url: str, payload: dict[str, Any] | None) -> "Subscriber":
        connection = await websockets.connect(
            url, subprotocols=[Subprotocol("graphql-transport-ws")]
        )
        await connection.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        return cls(connection)

    async def acknowledged(self) -> None:
        message = await self.receive()
        assert message == {"type": "connection_ack"}, message

    async def subscribe(
        self, query: str, variables: dict[str, Any], operation_name: str | None = None
    ) -> str:
        self._next_id += 1
        op_id = str(self._next_id)
        payload: dict[str, Any] = {"query": query, "variables": variables}
        if operation_name is not None:
            payload["operationName"] = operation_name
        await self.connection.send(
            json.dumps({"id": op_id, "type": "subscribe", "payload": payload})
        )
        return op_id

    async def receive(self, within: float = 10) -> dict[str, Any]:
        async with asyncio.timeout(within):
            raw = await self.connection.recv()
        message: dict[str, Any] = json.loads(raw)
        return message

    async def close(self) -> None:
        await self.connection.close()


CHANGES = """
subscription($q: ID!, $after: Int) {
  queueHooksChanged(queueId: $q, afterRevision: $after) {
    __typename
    ... on QueueHookChange { revision kind hookId hook { id event enabled version flowSchema { name } } }
    ... on QueueHooksResyncRequired { currentRevision reason }
  }
}
"""


async def authed_subscriber(server: Server, bearer: str | None = None) -> Subscriber:
    subscriber = await Subscriber.connect(
        server.ws, {"Authorization": f"Bearer {bearer or server.token()}"}
    )
    await subscriber.acknowledged()
    return subscriber


async def next_events(
    subscriber: Subscriber, count: int, within: float = 10
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while len(events) < count:
        message = await subscriber.receive(within)
        assert message["type"] == "next", message
        events.append(message["payload"]["data"]["queueHooksChanged"])
    return events
