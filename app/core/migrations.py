"""Bring the database to the head of `migrations/` with aerich.

Replicas that start at once on PostgreSQL serialise on an advisory lock, so the
history is applied exactly once.
"""

import logging
import shutil
import tempfile
from pathlib import Path

import asyncpg
from aerich import Command

from app.core.database import MODELS_APP, dialect_of, tortoise_config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# An arbitrary constant that names "schema migration" among advisory locks.
MIGRATION_LOCK_KEY = 7_245_190_331


async def migrate(database_url: str) -> list[str]:
    """Apply every pending migration; return the names of those applied."""
    if dialect_of(database_url) != "postgres":
        _ensure_sqlite_directory(database_url)
        return await _upgrade(database_url)
    lock_conn = await asyncpg.connect(_asyncpg_dsn(database_url))
    try:
        await lock_conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        return await _upgrade(database_url)
    finally:
        await lock_conn.close()  # closing the session releases the lock


async def _upgrade(database_url: str) -> list[str]:
    command = Command(tortoise_config(database_url), app=MODELS_APP, location=str(MIGRATIONS_DIR))
    async with command:
        await command.init()
        applied: list[str] = await command.upgrade(run_in_transaction=True)
    for name in applied:
        log.info("applied migration %s", name)
    return applied


def _asyncpg_dsn(database_url: str) -> str:
    return "postgresql://" + database_url.split("://", 1)[1]


def _ensure_sqlite_directory(database_url: str) -> None:
    path = database_url.split("://", 1)[1].split("?", 1)[0]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def unmigrated_model_changes(location: Path = MIGRATIONS_DIR) -> str | None:
    """Diff the models against the newest migration's recorded state, without a database.

    Returns the name of the migration aerich would write, or None when the models
    match the history. Works on a scratch copy, so nothing in `location` changes.
    """
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "migrations"
        shutil.copytree(location, copy)
        command = Command(tortoise_config("sqlite://:memory:"), app=MODELS_APP, location=str(copy))
        async with command:
            await command.init(offline=True)
            written: str = await command.migrate(name="drift", no_input=True, offline=True)
    return written or None
