"""Replicas starting at once on an empty PostgreSQL migrate it exactly once."""

import asyncio
import threading
from pathlib import Path

import asyncpg

from app.core.migrations import MIGRATION_LOCK_KEY, MIGRATIONS_DIR
from tests.conftest import (
    create_postgres_database,
    database_name,
    drop_postgres_database,
    require_postgres,
)
from tests.live.servers import running_servers

HEAD = sorted(p.name for p in (MIGRATIONS_DIR / "models").glob("*.py"))
REPLICAS = 3
WAITING_ON_THE_LOCK = """
    SELECT count(*) FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def hold_the_migration_lock(dsn: str, seen_waiting: list[int]) -> threading.Thread:
    """Hold the lock until every replica waits for it (or 20 s pass), then let go.

    So the replicas reach the migrations at the same moment, whatever their start-up
    times, and the test sees that they wait for each other.
    """

    async def hold() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            waiting = 0
            for _ in range(400):
                waiting = await conn.fetchval(WAITING_ON_THE_LOCK)
                if waiting >= REPLICAS:
                    break
                await asyncio.sleep(0.05)  # polling pg_locks, with a bound
            seen_waiting.append(waiting)
        finally:
            await conn.close()  # releases the lock

    thread = threading.Thread(target=asyncio.run, args=(hold(),))
    thread.start()
    return thread


async def test_replicas_starting_together_migrate_once(tmp_path: Path) -> None:
    require_postgres()
    name = database_name("replicas")
    url = await create_postgres_database(name)
    dsn = "postgresql://" + url.split("://", 1)[1]
    seen_waiting: list[int] = []
    try:
        holder = hold_the_migration_lock(dsn, seen_waiting)
        with running_servers(url, REPLICAS, migrate=True, logs=tmp_path) as servers:
            holder.join()
            answers = [await server.graphql("{ queues { totalCount } }") for server in servers]
        logs = [(tmp_path / f"{n}.log").read_text() for n in range(REPLICAS)]
        conn = await asyncpg.connect(dsn)
        try:
            applied = [
                r["version"] for r in await conn.fetch("SELECT version FROM aerich ORDER BY id")
            ]
        finally:
            await conn.close()
    finally:
        await drop_postgres_database(name)

    assert seen_waiting == [REPLICAS], "every replica waited for the migration lock"
    assert answers == [{"queues": {"totalCount": 0}}] * REPLICAS
    assert applied == HEAD  # each migration recorded once
    for migration in HEAD:  # and applied by exactly one replica
        assert sum(log.count(f"applied migration {migration}") for log in logs) == 1, logs
    # Nobody stumbled on another's half-made tables and had to retry.
    assert not any("retrying" in log for log in logs), logs
