"""Fixtures: a real database migrated by the real migrations, isolated per test.

Every test that uses `database` runs twice: on SQLite and on PostgreSQL. SQLite
tests copy a freshly migrated template file; PostgreSQL tests share one migrated
database per session and truncate it before each test. Without a reachable
PostgreSQL the PostgreSQL runs skip, except in CI (CI=true), where they fail.

Every PostgreSQL database a run creates is named TEST_DATABASE_PREFIX (default
`hooks_test_`), then what it is for, then the process id: several suites can share
one PostgreSQL, each with its own prefix.
"""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from hypothesis import settings as hypothesis_settings

from app.core.database import close_database, open_database

POSTGRES_ADMIN_DSN = os.environ.get(
    "TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_PREFIX = os.environ.get("TEST_DATABASE_PREFIX", "hooks_test_")

# Property tests explore new examples on every laptop run; CI replays a fixed set,
# so that a red CI is a change's fault, never the luck of the draw.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if IN_CI:
    hypothesis_settings.load_profile("ci")


def migrate(database_url: str) -> None:
    """Run the real migration command in its own process.

    aerich keeps dialect state in class attributes, so one process cannot migrate
    SQLite and then PostgreSQL; a process per run is also what production does.
    """
    subprocess.run(
        [sys.executable, "-m", "app", "migrate"],
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )


def database_name(purpose: str = "") -> str:
    """A PostgreSQL database name of this run, for `purpose` ("" for the session's)."""
    return f"{TEST_DATABASE_PREFIX}{purpose}{'_' if purpose else ''}{os.getpid()}"


def postgres_url(database: str) -> str:
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].split("://", 1)[1]
    return f"postgres://{base}/{database}"


def _postgres_unreachable_reason() -> str | None:
    host_port = POSTGRES_ADMIN_DSN.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        socket.create_connection((host, int(port or 5432)), timeout=3).close()
    except OSError as error:
        return f"PostgreSQL not reachable at {host_port}: {error}"
    return None


async def create_postgres_database(name: str, template: str | None = None) -> str:
    """An empty database, or a copy of `template` (which nothing may be connected to)."""
    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        copy = f' TEMPLATE "{template}"' if template else ""
        await conn.execute(f'CREATE DATABASE "{name}"{copy}')
    finally:
        await conn.close()
    return postgres_url(name)


async def drop_postgres_database(name: str) -> None:
    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def require_postgres() -> None:
    """Skip (or, in CI, fail) when PostgreSQL cannot be reached."""
    reason = _postgres_unreachable_reason()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI requires PostgreSQL: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate(f"sqlite://{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a migrated PostgreSQL database that is only ever copied, never opened:
    a copy is much faster than running the migrations again."""
    require_postgres()
    name = database_name("template")
    migrate(asyncio.run(create_postgres_database(name)))
    yield name
    asyncio.run(drop_postgres_database(name))


@pytest.fixture(scope="session")
def postgres_session_url(postgres_template: str) -> Iterator[str]:
    name = database_name()
    url = asyncio.run(create_postgres_database(name, template=postgres_template))
    yield url
    asyncio.run(drop_postgres_database(name))


async def _truncate(url: str) -> None:
    conn = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
    try:
        await conn.execute(
            'TRUNCATE "queue_hook_count", "queue_hook_change", "queue_hook", "queue", "flow_schema" RESTART IDENTITY CASCADE'
        )
    finally:
        await conn.close()


def truncate_postgres(url: str) -> None:
    asyncio.run(_truncate(url))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database of each kind; nothing from other tests is in it."""
    if request.param == "sqlite":
        path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite://{path}"
    url: str = request.getfixturevalue("postgres_session_url")
    truncate_postgres(url)
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[str]:
    """The ORM opened on a fresh database; yields its URL."""
    await open_database(database_url)
    try:
        yield database_url
    finally:
        await close_database()
