"""app/core/database.py leans on two Tortoise internals (the statement cache and the
pool); these fail when an upgrade moves either."""

import asyncio
import shutil
from pathlib import Path

import pytest
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


async def test_connections_in_use_is_0_on_sqlite(database: str) -> None:
    assert dialect_of(database) == "postgres" or connections_in_use() == 0


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "hooks.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite://{path}"
