"""PostgreSQL connections handed out in the order they were asked for.

asyncpg's pool keeps its free connections in an asyncio queue. When a connection
comes back, the first waiter is woken, but a task that asks in the moment before
that waiter runs finds the connection free and takes it; the waiter goes back to
the end of the line. Under load (more requests in flight than connections) this
splits requests into those that barge and those overtaken again and again: with 32
requests in flight on 5 connections, the page benchmark's p50 was 32 ms and its p99
640 ms; in order, 75 and 110 ms (wrk --latency, the same run conditions).

So callers line up on an asyncio.Lock (FIFO, and it does not let a newcomer past a
woken waiter) and only the one at the head waits on asyncpg's queue, where it
then has nobody to be overtaken by. Nothing is held beyond the wait: a connection
that is never given back (Tortoise does not release one whose BEGIN failed) costs
what it costs asyncpg, whose pool takes a lost connection's slot back itself.

This is a Tortoise engine module (`client_class`, as `tortoise.backends.asyncpg`
has): app/core/database.py names it in the connection config. The client differs
from Tortoise's asyncpg client only in `create_pool`, the method it offers for
making the pool; FairPool has exactly the methods Tortoise calls on a pool.
tests/core/test_fair_pool.py checks the order.
"""

import asyncio
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient


class FairPool:
    """An asyncpg pool whose `acquire` serves callers first come, first served."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._line = asyncio.Lock()

    async def acquire(self) -> Any:
        async with self._line:
            return await self._pool.acquire()

    async def release(self, connection: Any) -> None:
        await self._pool.release(connection)

    async def close(self) -> None:
        await self._pool.close()

    def terminate(self) -> None:
        self._pool.terminate()

    async def expire_connections(self) -> None:
        await self._pool.expire_connections()

    def get_size(self) -> int:
        return int(self._pool.get_size())

    def get_idle_size(self) -> int:
        return int(self._pool.get_idle_size())


class FairAsyncpgDBClient(AsyncpgDBClient):
    async def create_pool(self, **kwargs: Any) -> Any:
        return FairPool(await asyncpg.create_pool(None, **kwargs))


client_class = FairAsyncpgDBClient
