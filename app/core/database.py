"""Tortoise configuration and the lifecycle of its connections."""

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE

MODELS_APP = "models"


def tortoise_config(database_url: str) -> dict[str, Any]:
    connection = expand_db_url(database_url)
    if dialect_of(database_url) == "sqlite":
        # Name search runs as a regular expression (app/repositories/word_search.py);
        # SQLite has no REGEXP of its own, Tortoise registers Python's on each connection.
        connection["credentials"]["install_regexp_functions"] = True
    else:
        # Connections in arrival order (app/core/fair_pool.py).
        connection["engine"] = "app.core.fair_pool"
        # Tortoise hands its credentials' extra keys to asyncpg.create_pool.
        connection["credentials"]["reset"] = keep_session
    return {
        "connections": {"default": connection},
        "apps": {
            MODELS_APP: {
                "models": ["app.models", "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def keep_session(connection: object) -> None:
    """asyncpg's pool resets each connection it takes back: it rolls back a transaction
    left open and drops listeners, then by default sends a reset query (RESET ALL,
    UNLISTEN *, CLOSE ALL, releasing advisory locks), one more round trip for every
    query run outside a transaction. No pooled connection here changes session state
    (LISTEN has its own connection: app/repositories/listener.py), so there is nothing
    for that query to undo and this reset sends nothing. tests/core/test_database.py
    checks both halves: no reset query, and an open transaction still rolled back."""


def dialect_of(database_url: str) -> str:
    return "postgres" if database_url.startswith(("postgres://", "asyncpg://")) else "sqlite"


async def open_database(database_url: str) -> None:
    _forget_statements()
    # The global fallback lets request tasks see the ORM that the lifespan task set up.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


def _forget_statements() -> None:
    """Tortoise keeps each model's INSERT/DELETE SQL in a module-level cache keyed by
    connection name, in the dialect it first saw; a process that opens another kind of
    database under the same name (the tests do) would send it the other's SQL.
    Undocumented: tests/core/test_database.py switches dialects and fails if it moves."""
    EXECUTOR_CACHE.clear()


def connections_in_use() -> int:
    """Connections of the PostgreSQL pool handed out now (0 on SQLite, or before start).

    Tortoise does not expose its asyncpg pool; this is the one place that reads its
    `_pool`, and tests/core/test_database.py fails if an upgrade moves it."""
    try:
        client = connections.get("default")
    except Exception:  # not connected yet
        return 0
    pool = getattr(client, "_pool", None)
    if pool is None:
        return 0
    return int(pool.get_size() - pool.get_idle_size())


CLOSE_TIMEOUT_SECONDS = 5.0


async def close_database() -> None:
    # Bounded: a pool holding connections to a database that went away can wait
    # for them forever, and a shutdown must end.
    try:
        async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
            await Tortoise.close_connections()
    except TimeoutError:
        logging.getLogger(__name__).warning("closing database connections timed out")


READY_TIMEOUT_SECONDS = 2.0


async def database_answers() -> bool:
    """Whether a trivial query comes back in time."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any failure means "not ready"; the reason is in the server log
        logging.getLogger(__name__).warning("readiness check failed", exc_info=True)
        return False
    return True


def connection_failure(error: BaseException, database_url: str) -> str | None:
    """One line saying why the database could not be reached and what to do, or None
    when `error` is not a failure to connect (a bug: let its traceback show)."""
    if dialect_of(database_url) != "postgres":
        return None
    parts = urlsplit(database_url)
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    user = parts.username or "postgres"
    name = parts.path.lstrip("/") or user
    # asyncpg's exceptions are matched by name: app.core must not depend on the driver's
    # module layout for a message.
    kind = type(error).__name__
    if kind == "InvalidCatalogNameError":
        return (
            f'database "{name}" does not exist on PostgreSQL at {where}; create it with '
            f"`createdb -h {parts.hostname or 'localhost'} -p {parts.port or 5432} "
            f"-U {user} {name}` and run the command again"
        )
    if kind in {"InvalidAuthorizationSpecificationError", "InvalidPasswordError"}:
        return (
            f'PostgreSQL at {where} refused user "{user}" ({error}); '
            "check the user and password in DATABASE_URL"
        )
    if isinstance(error, OSError):
        refused = isinstance(error, ConnectionRefusedError)
        reason = "connection refused" if refused else str(error) or type(error).__name__
        return (
            f"cannot reach PostgreSQL at {where} ({reason}); is it running, "
            "and does DATABASE_URL name the right host and port?"
        )
    return None
