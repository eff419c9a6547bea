"""app/core/fair_pool.py: PostgreSQL connections go to callers in the order they ask."""

import asyncio
import itertools
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from app.core.database import close_database, open_database
from app.core.fair_pool import FairAsyncpgDBClient, FairPool
from app.models import Queue
from tests.conftest import require_postgres

TASKS = 16
ROUNDS = 20


async def grant_order(pool: Any) -> tuple[list[int], list[int]]:
    """Tasks that take a connection, yield once, and give it back, over and over, as
    requests under load do. Returns the order callers asked in and were served in."""
    tickets = itertools.count()
    asked: list[int] = []
    served: list[int] = []

    async def worker() -> None:
        for _ in range(ROUNDS):
            await asyncio.sleep(0)  # asks at another moment of the loop than it gave back
            ticket = next(tickets)
            asked.append(ticket)
            connection = await pool.acquire()
            served.append(ticket)
            await asyncio.sleep(0)
            await pool.release(connection)

    await asyncio.gather(*(worker() for _ in range(TASKS)))
    return asked, served


async def test_connections_are_served_in_the_order_asked(postgres_session_url: str) -> None:
    require_postgres()
    dsn = "postgresql://" + postgres_session_url.split("://", 1)[1]
    plain = await asyncpg.create_pool(dsn, min_size=2, max_size=2)
    try:
        fair = FairPool(plain)
        asked, served = await grant_order(fair)
        # asyncpg's own queue, the same work: callers overtake one another
        plain_asked, plain_served = await grant_order(plain)
    finally:
        await plain.close()

    assert served == asked
    assert plain_served != plain_asked  # what FairPool is for (fails if asyncpg changes)


async def test_the_orm_uses_the_fair_pool(postgres_session_url: str) -> None:
    require_postgres()
    await open_database(postgres_session_url)
    try:
        client = connections.get("default")
        await Queue.filter(tenant="nobody").count()
    finally:
        await close_database()

    assert isinstance(client, FairAsyncpgDBClient)


class CuttingProxy:
    """A TCP relay to PostgreSQL that, once `cut`, drops a connection the moment its
    client next sends anything: a connection that died unnoticed while idle."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.cut = False
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _relay(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        server_in, server_out = await asyncio.open_connection(*self.target)

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter, up: bool) -> None:
            while data := await source.read(65536):
                if up and self.cut:
                    break
                sink.write(data)
                await sink.drain()
            client_out.close()
            server_out.close()

        await asyncio.gather(
            pump(client_in, server_out, True),
            pump(server_in, client_out, False),
            return_exceptions=True,
        )


async def test_a_connection_lost_under_a_transaction_does_not_shrink_the_pool(
    postgres_session_url: str,
) -> None:
    """Tortoise never gives back a connection whose BEGIN failed; the pool must still
    serve the next caller (a permit held per connection would be lost for good)."""
    require_postgres()
    parts = urlsplit(postgres_session_url)
    proxy = CuttingProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    port = await proxy.start()
    through_proxy = postgres_session_url.replace(f":{parts.port}/", f":{port}/") + "?maxsize=1"
    await open_database(through_proxy)
    try:
        await Queue.filter(tenant="nobody").count()  # the pool's one connection, idle now
        proxy.cut = True

        async def request() -> None:  # its own task, as a request is
            async with in_transaction():
                await Queue.filter(tenant="nobody").count()

        with pytest.raises(asyncpg.ConnectionDoesNotExistError):
            await asyncio.create_task(request())
        proxy.cut = False
        async with asyncio.timeout(10):
            after = await Queue.filter(tenant="nobody").count()
    finally:
        await close_database()
        assert proxy.server is not None
        proxy.server.close()

    assert after == 0
