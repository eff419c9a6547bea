"""Bringing the database up: at start, and again and again until it answers.

A replica whose database is away at start still starts: `/healthz` says it is
alive, `/readyz` says why it is not ready, GraphQL answers 503, and a background
task retries with backoff (logging why) until the database answers.
"""

import asyncio
import contextlib
import logging

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.database import close_database, database_answers, dialect_of, open_database
from app.core.migrations import migrate
from app.core.settings import Settings
from app.repositories.listener import PostgresListener
from app.services.change_feed import ChangeFeed
from app.web.call import call_of
from app.web.errors import RequestError, refuse

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 0.2
LONGEST_RETRY_SECONDS = 10.0


class DatabaseUnavailable(Exception):
    pass


class Startup:
    def __init__(self, settings: Settings, feed: ChangeFeed) -> None:
        self.settings = settings
        self.feed = feed
        self.ready = asyncio.Event()
        self.problem = "starting"
        self.listener: PostgresListener | None = None
        self._retrying: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Try once now; if the database is away, keep trying in the background."""
        if not await self._attempt():
            self._retrying = asyncio.create_task(self._retry(), name="database-startup")

    async def stop(self) -> None:
        if self._retrying is not None:
            self._retrying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retrying
        if self.ready.is_set():
            await self.feed.stop()
        await close_database()

    async def _retry(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            log.warning("%s; retrying in %.1f s", self.problem, delay)
            await asyncio.sleep(delay)
            if await self._attempt():
                log.info("the database answers; ready")
                return
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)

    async def _attempt(self) -> bool:
        url = self.settings.database_url
        try:
            if self.settings.migrate_on_start:
                await migrate(url)
            await open_database(url)
            if not await database_answers():
                raise DatabaseUnavailable("no answer to SELECT 1")
            listener = (
                PostgresListener(url, self.feed.announce) if dialect_of(url) == "postgres" else None
            )
            await self.feed.start(listener)
        except Exception as error:  # any failure to come up is "not ready yet", with its reason
            self.problem = f"the database is not available: {error}"
            with contextlib.suppress(Exception):
                await close_database()
            return False
        self.listener = listener
        self.problem = ""
        self.ready.set()
        return True


class Readiness:
    """503 with Retry-After for a GraphQL request over HTTP while the database is not up
    (the WebSocket endpoint says so in its own protocol)."""

    def __init__(self, app: ASGIApp, ready: asyncio.Event) -> None:
        self.app = app
        self.ready = ready

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.ready.is_set() and call_of(scope).graphql:
            error = RequestError(
                503, "the database is not available yet; retry shortly", {"Retry-After": "1"}
            )
            await refuse(scope, receive, send, error)
            return
        await self.app(scope, receive, send)
