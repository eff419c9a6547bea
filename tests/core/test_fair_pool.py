"""app/core/fair_pool.py: PostgreSQL connections go to callers in the order they ask."""

import asyncio
import itertools
from typing import Any

import asyncpg
from tortoise import connections

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
        fair = FairPool(plain, 2)
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
