import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live.servers import Server, running_server


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    with running_server(database_url) as started:
        yield started


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file of its own, for tests the database kind does not matter to."""
    database = tmp_path / "hooks.sqlite3"
    shutil.copy(sqlite_template, database)
    return f"sqlite://{database}"
