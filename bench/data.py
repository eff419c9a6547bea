"""Benchmark data on PostgreSQL: one tenant, queues of hooks over shared flow schemas."""

import os
import subprocess
import sys

import asyncpg

ADMIN_DSN = os.environ.get("BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
TENANT = "bench"
EVENTS = ["joined", "answered", "offering", "bridged", "missed", "leaving", "processing", "active"]


def database_url(name: str) -> str:
    base = ADMIN_DSN.rsplit("/", 1)[0].split("://", 1)[1]
    return f"postgres://{base}/{name}"


def asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def fresh_database(name: str) -> str:
    """Drop, create and migrate (with the real migration command) a database."""
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = database_url(name)
    subprocess.run(  # noqa: ASYNC221 - setup, before anything is timed
        [sys.executable, "-m", "app", "migrate"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    return url


async def seed_registry(url: str, hooks: int = 10_000, schemas: int = 50) -> int:
    """One queue with `hooks` hooks over `schemas` flow schemas; returns the queue's pk."""
    return (await seed_queues(url, (hooks,), schemas))[hooks]


async def seed_queues(url: str, sizes: tuple[int, ...], schemas: int = 50) -> dict[int, int]:
    """A queue per size with that many hooks over `schemas` shared flow schemas:
    events in turn, 8 enabled hooks per queue, older hooks first by id. Returns the
    queue pk of each size."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        schema_pks = [
            await conn.fetchval(
                "INSERT INTO flow_schema (tenant, name, type, created_at, updated_at) "
                "VALUES ($1, $2, $3, now(), now()) RETURNING id",
                TENANT,
                f"Schema {i:03}",
                "service" if i % 2 else "default",
            )
            for i in range(schemas)
        ]
        queues: dict[int, int] = {}
        for size in sizes:
            queues[size] = await conn.fetchval(
                "INSERT INTO queue (tenant, name, type, revision, created_at, updated_at) "
                "VALUES ($1, $2, 'outbound_ivr', 0, now(), now()) RETURNING id",
                TENANT,
                f"Outbound IVR {size}",
            )
            # One statement per queue: 100,000 rows in seconds, the count trigger included.
            await conn.execute(
                "INSERT INTO queue_hook (queue_id, event, flow_schema_id, enabled, version, "
                "created_at, created_by, updated_at, updated_by) "
                "SELECT $1, ($2::varchar[])[i % 8 + 1], ($3::int[])[i % $4 + 1], i < 8, 1, "
                "now() - make_interval(secs => $5 - i), 'bench', now(), 'bench' "
                "FROM generate_series(0, $5 - 1) AS i",
                queues[size],
                EVENTS,
                schema_pks,
                schemas,
                size,
            )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    return queues
