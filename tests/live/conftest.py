from collections.abc import Iterator

import pytest

from tests.live.servers import Server, running_server


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    with running_server(database_url) as started:
        yield started
