"""Benchmark data on PostgreSQL: one tenant, a queue of 10,000 hooks."""

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
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        queue_pk: int = await conn.fetchval(
            "INSERT INTO queue (tenant, name, type, revision, created_at, updated_at) "
            "VALUES ($1, 'Outbound IVR', 'outbound_ivr', 0, now(), now()) RETURNING id",
            TENANT,
        )
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
        await conn.executemany(
            "INSERT INTO queue_hook (queue_id, event, schema_id, enabled, version, created_at, "
            "created_by, updated_at, updated_by) "
            "VALUES ($1, $2, $3, $4, 1, now() - make_interval(secs => $5), 'bench', now(), "
            "'bench')",
            [
                (queue_pk, EVENTS[i % 8], schema_pks[i % schemas], i < 8, float(hooks - i))
                for i in range(hooks)
            ],
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return queue_pk
