from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from app.core.settings import Settings
from app.web.app import create_app

SECRET = "test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(app_env="test", database_url=database_url, jwt_secret=SECRET)


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The real ASGI app built from these settings, with its lifespan, behind a client."""
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        yield client


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(settings) as client:
        yield client
