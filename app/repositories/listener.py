"""A dedicated PostgreSQL LISTEN connection that survives being cut off.

asyncpg delivers notifications on the connection that LISTENs, so it cannot be
a pooled one. When the connection is lost (a restart, pg_terminate_backend, a
network cut), it reconnects with backoff and says so, so that the caller can
catch up from the change log: notifications sent meanwhile are lost, the log is not.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

from app.repositories.changes import EVERY_QUEUE, NOTIFY_CHANNEL

log = logging.getLogger(__name__)

OnNotify = Callable[[set[int] | None], None]
HEALTH_CHECK_SECONDS = 2.0
# How operators (and tests) find the LISTEN connection in pg_stat_activity.
LISTENER_APPLICATION_NAME = "queue-hooks-listener"


class PostgresListener:
    def __init__(self, database_url: str, on_notify: OnNotify) -> None:
        self._dsn = "postgresql://" + database_url.split("://", 1)[1]
        self._on_notify = on_notify
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self.connected = asyncio.Event()
        self.reconnects = 0

    async def start(self) -> None:
        await self._connect()
        self._task = asyncio.create_task(self._supervise(), name="pg-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close()

    async def _connect(self) -> None:
        self._conn = await asyncpg.connect(
            self._dsn, server_settings={"application_name": LISTENER_APPLICATION_NAME}
        )
        self._conn.add_termination_listener(lambda _: self._lost.set())
        await self._conn.add_listener(NOTIFY_CHANNEL, self._notified)
        self._lost.clear()
        self.connected.set()

    async def _close(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if payload == EVERY_QUEUE:
            self._on_notify(None)
            return
        try:
            self._on_notify({int(part) for part in payload.split(",") if part})
        except ValueError:
            log.warning("ignoring a malformed notification payload %r", payload)

    async def _supervise(self) -> None:
        delay = 0.1
        while True:
            # The termination listener is the fast path; the periodic check
            # also catches a connection that died without telling us.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), HEALTH_CHECK_SECONDS)
            if not self._lost.is_set() and not self._conn.is_closed():
                try:
                    await self._conn.execute("SELECT 1")
                    continue
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    pass
            self.connected.clear()
            log.warning("LISTEN connection lost; reconnecting")
            await self._close()
            while True:
                try:
                    await self._connect()
                    break
                except (OSError, asyncpg.PostgresError) as error:
                    log.warning("LISTEN reconnect failed (%s); retrying in %.1fs", error, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
            delay = 0.1
            self.reconnects += 1
            log.info("LISTEN connection restored; catching up from the change log")
            self._on_notify(None)
