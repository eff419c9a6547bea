"""Tortoise configuration and the lifecycle of its connections."""

import asyncio
import logging
from typing import Any

from tortoise import Tortoise, connections

MODELS_APP = "models"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            MODELS_APP: {
                "models": ["app.models", "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def dialect_of(database_url: str) -> str:
    return "postgres" if database_url.startswith(("postgres://", "asyncpg://")) else "sqlite"


async def open_database(database_url: str) -> None:
    # The global fallback lets request tasks see the ORM that the lifespan task set up.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


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
