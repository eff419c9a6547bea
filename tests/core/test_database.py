"""app/core/database.py leans on two Tortoise internals (the statement cache and the
pool); these fail when an upgrade moves either."""

import asyncio
import shutil
from pathlib import Path

import asyncpg
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from app.core.database import close_database, connections_in_use, dialect_of, open_database
from app.models import Queue, QueueType
from tests.conftest import _truncate as truncate
from tests.conftest import require_postgres


async def test_one_process_can_open_either_kind_of_database_in_turn(
    sqlite_url: str, postgres_session_url: str
) -> None:
    require_postgres()
    await truncate(postgres_session_url)
    names = []
    # Each kind first and second: SQL cached for one must not reach the other.
    for url in (sqlite_url, postgres_session_url, sqlite_url):
        await open_database(url)
        try:
            queue = await Queue.create(tenant="acme", name=dialect_of(url), type=QueueType.INBOUND)
            await queue.delete()
            names.append(queue.name)
        finally:
            await close_database()

    assert names == ["sqlite", "postgres", "sqlite"]


async def test_connections_in_use_counts_the_postgres_pool(postgres_session_url: str) -> None:
    require_postgres()
    held, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:  # a request's transaction; the gauge is read from another task
        async with in_transaction() as connection:
            await connection.execute_query("SELECT 1")  # the connection is taken lazily
            held.set()
            await release.wait()

    await open_database(postgres_session_url)
    try:
        holder = asyncio.create_task(hold())
        await held.wait()
        during = connections_in_use()
        release.set()
        await holder
        after = connections_in_use()
    finally:
        await close_database()

    assert (during, after) == (1, 0)


async def test_a_pooled_connection_comes_back_without_a_reset_query(
    postgres_session_url: str,
) -> None:
    """keep_session: asyncpg's pool sends no reset query when it takes a connection
    back, and still rolls back a transaction left open on it."""
    require_postgres()
    await truncate(postgres_session_url)
    watcher = await asyncpg.connect("postgresql://" + postgres_session_url.split("://", 1)[1])
    await open_database(postgres_session_url)
    try:
        await Queue.filter(tenant="acme").count()
        last_queries = await watcher.fetch(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'idle'"
        )
        client = connections.get("default")
        async with client.acquire_connection() as raw:
            await raw.execute("BEGIN")
            await raw.execute(
                "INSERT INTO queue (tenant, name, type, revision, created_at, updated_at) "
                "VALUES ('acme', 'left open', 'inbound', 0, now(), now())"
            )
        kept = await Queue.filter(tenant="acme").count()
    finally:
        await close_database()
        await watcher.close()

    assert last_queries, "the pool's connection is idle in pg_stat_activity"
    assert all("RESET ALL" not in row["query"] for row in last_queries), last_queries
    assert kept == 0


async def test_connections_in_use_is_0_on_sqlite(database: str) -> None:
    assert dialect_of(database) == "postgres" or connections_in_use() == 0


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "hooks.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite://{path}"
