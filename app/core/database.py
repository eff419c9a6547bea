"""Tortoise configuration and the lifecycle of its connections."""

from typing import Any

from tortoise import Tortoise

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


async def close_database() -> None:
    await Tortoise.close_connections()
