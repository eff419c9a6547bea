"""The migration history brings empty SQLite and PostgreSQL databases to head."""

import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from aerich.utils import compress_dict, decompress_dict
from tortoise import connections
from tortoise.exceptions import IntegrityError

from app.core.migrations import MIGRATIONS_DIR, unmigrated_model_changes
from app.models import QueueHook, QueueHookEvent
from tests.conftest import (
    create_postgres_database,
    database_name,
    drop_postgres_database,
    require_postgres,
)
from tests.factories import create_flow_schema, create_hook, create_queue

HEAD = sorted(p.name for p in (MIGRATIONS_DIR / "models").glob("*.py"))


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )


def test_migrate_brings_an_empty_sqlite_file_to_head(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "fresh.sqlite3"

    first = run_cli("migrate", database_url=f"sqlite://{path}")
    second = run_cli("migrate", database_url=f"sqlite://{path}")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    db = sqlite3.connect(path)
    applied = [row[0] for row in db.execute("SELECT version FROM aerich ORDER BY id")]
    index_sql = db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'uq_queue_hook_enabled_event'"
    ).fetchone()[0]
    assert applied == HEAD
    assert "UNIQUE INDEX" in index_sql
    assert 'WHERE "enabled"' in index_sql


async def test_migrate_brings_an_empty_postgres_database_to_head() -> None:
    require_postgres()
    name = database_name("migrate")
    url = await create_postgres_database(name)
    try:
        first = run_cli("migrate", database_url=url)
        second = run_cli("migrate", database_url=url)

        assert first.returncode == 0, first.stderr
        assert second.returncode == 0, second.stderr
        conn = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
        try:
            applied = [
                r["version"] for r in await conn.fetch("SELECT version FROM aerich ORDER BY id")
            ]
            index = await conn.fetchval(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_queue_hook_enabled_event'"
            )
        finally:
            await conn.close()
        assert applied == HEAD
        assert index.startswith("CREATE UNIQUE INDEX")
        assert index.endswith("WHERE enabled")
    finally:
        await drop_postgres_database(name)


async def test_the_database_refuses_a_second_enabled_hook_for_an_event(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    await create_hook(queue, schema, QueueHookEvent.MISSED, enabled=True)
    await create_hook(queue, schema, QueueHookEvent.MISSED, enabled=False)
    await create_hook(queue, schema, QueueHookEvent.MISSED, enabled=False)

    with pytest.raises(IntegrityError):
        await create_hook(queue, schema, QueueHookEvent.MISSED, enabled=True)

    assert await QueueHook.filter(queue=queue, event=QueueHookEvent.MISSED).count() == 3


async def test_the_database_refuses_an_unknown_event(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema)

    with pytest.raises(IntegrityError):
        await connections.get("default").execute_query(
            f'UPDATE "queue_hook" SET "event" = \'hangup\' WHERE "id" = {hook.pk}'
        )


async def test_the_models_match_the_migration_history() -> None:
    assert await unmigrated_model_changes() is None


async def test_a_model_change_without_a_migration_is_detected(tmp_path: Path) -> None:
    # Given a history whose newest recorded state lacks a column the models have
    history = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, history)
    newest = max((history / "models").glob("*.py"), key=lambda p: int(p.name.split("_", 1)[0]))
    spec = importlib.util.spec_from_file_location("newest", newest)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    state = decompress_dict("".join(module.MODELS_STATE))
    hook = state["models.QueueHook"]
    hook["data_fields"] = [f for f in hook["data_fields"] if f["name"] != "updated_by"]
    number = int(newest.name.split("_", 1)[0]) + 1
    (history / "models" / f"{number}_20990101000000_stale.py").write_text(
        newest.read_text().split("MODELS_STATE")[0] + f"MODELS_STATE = {compress_dict(state)!r}\n"
    )

    # When the models are compared with it, then the missing migration is reported
    assert await unmigrated_model_changes(history) is not None


UPGRADE_FROM = """
import asyncio, sys
from aerich import Command
from app.core.database import MODELS_APP, tortoise_config

async def main() -> None:
    command = Command(tortoise_config(sys.argv[1]), app=MODELS_APP, location=sys.argv[2])
    async with command:
        await command.init()
        await command.upgrade(run_in_transaction=True)

asyncio.run(main())
"""


def upgrade_with(history: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    """Bring a database to the head of another history, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-c", UPGRADE_FROM, database_url, str(history)],
        capture_output=True,
        text=True,
        check=False,
    )


OLD_LOG_ROWS = """
INSERT INTO "queue" ("id", "tenant", "name", "type", "revision", "created_at", "updated_at")
    VALUES (1, 'acme', 'Outbound IVR', 'outbound_ivr', 2, '2026-11-01', '2026-11-01');
INSERT INTO "queue_hook_change"
    ("queue_id", "tenant", "revision", "kind", "hook_id", "hook", "created_at")
    VALUES (1, 'acme', 1, 'created', 7, '{"id": 7, "updated_by": "bob"}', '2026-11-01'),
           (1, 'acme', 2, 'deleted', 7, NULL, '2026-11-02');
"""


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
async def test_change_authors_of_an_existing_log_come_from_its_snapshots(
    dialect: str, tmp_path: Path
) -> None:
    # Given a database at the migration before change authors, with logged changes
    history = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, history)
    for later in (history / "models").glob("*.py"):
        if int(later.name.split("_", 1)[0]) >= 3:
            later.unlink()
    name = database_name("authors")
    if dialect == "postgres":
        require_postgres()
        url = await create_postgres_database(name)
    else:
        url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    try:
        older = upgrade_with(history, url)
        assert older.returncode == 0, older.stderr
        rows_sql = "SELECT revision, changed_by FROM queue_hook_change ORDER BY revision"
        if dialect == "postgres":
            conn = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
            try:
                await conn.execute(OLD_LOG_ROWS)
                # When the history is brought to head
                head = run_cli("migrate", database_url=url)
                assert head.returncode == 0, head.stderr
                authors = [tuple(r) for r in await conn.fetch(rows_sql)]
                default = await conn.fetchval(
                    "SELECT column_default FROM information_schema.columns "
                    "WHERE table_name = 'queue_hook_change' AND column_name = 'changed_by'"
                )
            finally:
                await conn.close()
            assert default is None, "a writer that forgets the author is refused"
        else:
            db = sqlite3.connect(url.split("://", 1)[1])
            db.executescript(OLD_LOG_ROWS)
            db.commit()
            head = run_cli("migrate", database_url=url)
            assert head.returncode == 0, head.stderr
            authors = list(db.execute(rows_sql))
            db.close()

        # Then each logged change names the user its snapshot recorded, or nobody
        assert authors == [(1, "bob"), (2, "")]
    finally:
        if dialect == "postgres":
            await drop_postgres_database(name)
