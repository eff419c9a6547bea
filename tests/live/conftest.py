"""Server processes for live tests, started once per module where a test allows it.

Starting a server costs over a second, so tests share one per module and database
kind (`server`), or one on SQLite for what the database kind does not matter to
(`sqlite_server`: WebSocket framing, close codes, auth, limits, origins). A shared
server stays correct only if no test can see another's work: each test calls it as a
tenant of its own (queues, counts and rate limits are per tenant). A test that stops,
restarts, cuts or reconfigures its server, or reads what the whole process reports
(health, metrics, logs), starts its own (`own_server`, or `running_server` itself).
"""

import asyncio
import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import create_postgres_database, database_name, drop_postgres_database
from tests.live.servers import Server, running_server


class ModuleServers:
    """The servers a module shares: one per database kind and settings, each started
    when a test of the module first asks for it."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._started: dict[tuple[str, frozenset[tuple[str, str]]], Server] = {}

    def as_own_tenant(
        self, kind: str, request: pytest.FixtureRequest, **env: str
    ) -> Iterator[Server]:
        """The shared server of `kind` with these settings, called as a tenant of the
        test's own (queues, counts and rate limits are per tenant)."""
        key = (kind, frozenset(env.items()))
        if key not in self._started:
            url = self._database(kind, request, len(self._started))
            self._started[key] = self._stack.enter_context(running_server(url, **env))
        shared = self._started[key]
        yield shared.as_tenant(f"t-{uuid.uuid4().hex[:16]}")
        # Fail the test that broke the shared server, not the next one to use it.
        assert shared.process.poll() is None, "a test stopped the shared server: use own_server"

    def _database(self, kind: str, request: pytest.FixtureRequest, n: int) -> str:
        module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
        if kind == "sqlite":
            template: Path = request.getfixturevalue("sqlite_template")
            factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
            path = factory.mktemp(module) / "shared.sqlite3"
            shutil.copyfile(template, path)
            return f"sqlite://{path}"
        template_name: str = request.getfixturevalue("postgres_template")
        name = database_name(f"live_{module}_{n}")
        url = asyncio.run(create_postgres_database(name, template=template_name))
        self._stack.callback(lambda: asyncio.run(drop_postgres_database(name)))
        return url


@pytest.fixture(scope="module")
def module_servers() -> Iterator[ModuleServers]:
    with ExitStack() as stack:
        yield ModuleServers(stack)


@pytest.fixture(params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, module_servers: ModuleServers) -> Iterator[Server]:
    """The module's server on each database kind, called as a tenant of this test's own."""
    yield from module_servers.as_own_tenant(request.param, request)


@pytest.fixture
def sqlite_server(
    request: pytest.FixtureRequest, module_servers: ModuleServers
) -> Iterator[Server]:
    """The module's SQLite server, for tests the database kind does not matter to."""
    yield from module_servers.as_own_tenant("sqlite", request)


@pytest.fixture
def own_server(database_url: str) -> Iterator[Server]:
    """A server process of this test's own on each database kind."""
    with running_server(database_url) as started:
        yield started


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file of its own, for tests the database kind does not matter to."""
    database = tmp_path / "hooks.sqlite3"
    shutil.copy(sqlite_template, database)
    return f"sqlite://{database}"
