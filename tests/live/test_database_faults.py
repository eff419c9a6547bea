"""The database away at start, lost while serving, and back: real processes, a real
TCP path to PostgreSQL that the test cuts and restores."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import _truncate as truncate
from tests.conftest import require_postgres
from tests.live.servers import (
    CHANGES,
    Server,
    authed_subscriber,
    free_port,
    next_events,
    running_server,
    token,
)
from tests.live.world import create_hook, given_a_queue, revision, toggle

QUERY = {"query": "{ queues { totalCount } }"}


class Cable:
    """A TCP proxy to PostgreSQL that can be unplugged (existing connections cut too)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.server: asyncio.Server | None = None
        self.pipes: set[asyncio.StreamWriter] = set()

    async def plug(self) -> None:
        self.server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

    async def unplug(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.pipes):
            writer.transport.abort()
        self.pipes.clear()

    async def _pipe(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        db_reader, db_writer = await asyncio.open_connection("127.0.0.1", 5432)
        self.pipes |= {client_writer, db_writer}

        async def copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            writer.transport.abort()

        await asyncio.gather(copy(client_reader, db_writer), copy(db_reader, client_writer))


@pytest.fixture
async def cable(postgres_session_url: str) -> AsyncIterator[tuple[Cable, str]]:
    require_postgres()
    await truncate(postgres_session_url)
    proxied = Cable(free_port())
    database = postgres_session_url.rsplit("/", 1)[1]
    yield proxied, f"postgres://postgres@127.0.0.1:{proxied.port}/{database}"
    await proxied.unplug()


@asynccontextmanager
async def serving(database_url: str, **env: str) -> AsyncIterator[Server]:
    """`running_server`, started and stopped off the event loop: the loop runs the
    cable, and a cable that stalls while its server stops holds the server's
    connections (and the test) until they time out."""
    server_context = running_server(database_url, **env)
    server = await asyncio.to_thread(server_context.__enter__)
    try:
        yield server
    finally:
        await asyncio.to_thread(server_context.__exit__, None, None, None)


async def wait_until_ready(client: httpx.AsyncClient, base: str, seconds: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while (await client.get(f"{base}/readyz")).status_code != 200:
        assert asyncio.get_running_loop().time() < deadline, "never became ready"
        await asyncio.sleep(0.2)  # polling a condition, with a deadline


async def test_away_at_start_then_lost_then_back(cable: tuple[Cable, str]) -> None:
    proxied, url = cable
    headers = {"Authorization": f"Bearer {token()}"}
    async with serving(url, RATE_LIMIT_PER_SECOND="0") as server:
        base = server.http.removesuffix("/graphql")
        async with httpx.AsyncClient(timeout=10) as client:
            # Away at start: alive, not ready, GraphQL says 503
            alive = await client.get(f"{base}/healthz")
            not_ready = await client.get(f"{base}/readyz")
            refused = await client.post(server.http, json=QUERY, headers=headers)

            await proxied.plug()
            await wait_until_ready(client, base)
            served = await client.post(server.http, json=QUERY, headers=headers)

            # Lost while serving: a fast, clear 503
            await proxied.unplug()
            lost = await client.post(server.http, json=QUERY, headers=headers)

            # Back: served again
            await proxied.plug()
            await wait_until_ready(client, base)
            again = await client.post(server.http, json=QUERY, headers=headers)

    assert alive.status_code == 200
    assert not_ready.status_code == 503
    assert "the database is not available" in not_ready.json()["problems"][0]
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert served.json() == {"data": {"queues": {"totalCount": 0}}}
    assert lost.status_code == 503
    assert lost.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "SELECT" not in lost.text, "no SQL text reaches the client"
    assert again.status_code == 200


PAGE = "query($q: ID!) { queueHooks(queueId: $q, first: 5) { totalCount nodes { id } } }"


async def test_a_cacheable_page_answers_503_when_the_database_is_lost(
    cable: tuple[Cable, str],
) -> None:
    """The response cache reads the queue's revision before anything executes: a lost
    database there is the same JSON 503 as anywhere else, not a plain-text 500."""
    proxied, url = cable
    headers = {"Authorization": f"Bearer {token()}"}
    async with serving(url, RATE_LIMIT_PER_SECOND="0") as server:
        base = server.http.removesuffix("/graphql")
        async with httpx.AsyncClient(timeout=10) as client:
            await proxied.plug()
            await wait_until_ready(client, base)
            world = await given_a_queue(server)
            body = {"query": PAGE, "variables": {"q": world.queue_id}}
            served = await client.post(server.http, json=body, headers=headers)

            await proxied.unplug()
            lost = await client.post(server.http, json=body, headers=headers)

    assert served.status_code == 200
    assert served.headers["x-response-cache"] == "miss"
    assert lost.status_code == 503, lost.text
    assert lost.headers["content-type"].startswith("application/json")
    assert lost.headers["retry-after"] == "1"
    (error,) = lost.json()["errors"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["requestId"] == lost.headers["x-request-id"]
    assert "SELECT" not in lost.text, "no SQL text reaches the client"


@dataclass
class Replicas:
    """A reaches PostgreSQL through the cable, B directly; both are ready."""

    a: Server
    b: Server
    client: httpx.AsyncClient

    @property
    def a_base(self) -> str:
        return self.a.http.removesuffix("/graphql")


@pytest.fixture
async def replicas(cable: tuple[Cable, str], postgres_session_url: str) -> AsyncIterator[Replicas]:
    proxied, url = cable
    await proxied.plug()
    async with (
        serving(url, RATE_LIMIT_PER_SECOND="0") as a,
        serving(postgres_session_url, RATE_LIMIT_PER_SECOND="0") as b,
        httpx.AsyncClient(timeout=20) as client,
    ):
        await wait_until_ready(client, a.http.removesuffix("/graphql"))
        yield Replicas(a, b, client)


async def test_subscriptions_stay_open_and_catch_up_after_an_outage(
    cable: tuple[Cable, str], replicas: Replicas
) -> None:
    """Replica A loses the database; B keeps committing; A's subscriber misses nothing."""
    proxied, _ = cable
    a, b, client, base = replicas.a, replicas.b, replicas.client, replicas.a_base
    world = await given_a_queue(b)
    start = await revision(b, world)
    subscriber = await authed_subscriber(a)
    await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": start})
    before = await create_hook(b, world, "MISSED")
    (seen,) = await next_events(subscriber, 1)

    await proxied.unplug()
    down = await client.get(f"{base}/readyz")
    during = [await create_hook(b, world, event) for event in ("JOINED", "ANSWERED")]
    await toggle(b, during[0], True)
    with pytest.raises(TimeoutError):  # nothing arrives, and nothing closes the socket
        await subscriber.receive(within=1)

    await proxied.plug()
    caught_up = await next_events(subscriber, 3, within=20)
    after = await create_hook(b, world, "BRIDGED")
    (live,) = await next_events(subscriber, 1)
    await wait_until_ready(client, base)
    await subscriber.close()

    assert seen["hookId"] == before
    assert down.status_code == 503
    assert [(e["revision"], e["kind"], e["hookId"]) for e in caught_up] == [
        (start + 2, "CREATED", during[0]),
        (start + 3, "CREATED", during[1]),
        (start + 4, "UPDATED", during[0]),
    ]
    assert caught_up[2]["hook"]["enabled"] is True
    assert (live["revision"], live["hookId"]) == (start + 5, after)


DELETE = """mutation($ids: [ID!]!) { deleteQueueHooks(ids: $ids) {
  __typename ... on DeleteQueueHooksSuccess { deletedIds } } }"""


async def test_a_cut_during_bulk_removals_leaves_each_whole_or_untouched(
    cable: tuple[Cable, str], replicas: Replicas
) -> None:
    """Twenty bulk removals in flight on A when its database connection is cut."""
    proxied, _ = cable
    a, b, client, base = replicas.a, replicas.b, replicas.client, replicas.a_base
    world = await given_a_queue(b)
    hooks = [await create_hook(b, world, "MISSED") for _ in range(60)]
    groups = [hooks[i : i + 3] for i in range(0, 60, 3)]
    headers = {"Authorization": f"Bearer {token()}"}

    async def remove(group: list[str]) -> httpx.Response:
        body = {"query": DELETE, "variables": {"ids": group}}
        return await client.post(a.http, json=body, headers=headers)

    in_flight = [asyncio.create_task(remove(group)) for group in groups]
    await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
    await proxied.unplug()
    responses = await asyncio.gather(*in_flight)
    await proxied.plug()
    await wait_until_ready(client, base)
    listed = await b.graphql(
        "query($q: ID!) { queue(id: $q) { revision hooks(first: 100) { totalCount nodes { id } } } }",
        {"q": world.queue_id},
    )

    remaining = {node["id"] for node in listed["queue"]["hooks"]["nodes"]}
    outcomes = []
    for group, response in zip(groups, responses, strict=True):
        left = remaining & set(group)
        assert left in (set(), set(group)), f"half of {group} removed: {left} left"
        if response.status_code == 200 and "errors" not in response.json():
            assert response.json()["data"]["deleteQueueHooks"]["deletedIds"] == group
            assert not left, "a removal reported done is done"
            outcomes.append("removed")
        else:
            assert response.status_code == 503, response.text
            outcomes.append("unavailable")
    assert "unavailable" in outcomes, "the cut happened while removals were in flight"
    # The trigger-kept count and the queue's revision agree with what is there.
    assert listed["queue"]["hooks"]["totalCount"] == len(remaining)
    removed = 60 - len(remaining)
    assert listed["queue"]["revision"] == 60 + removed  # one change per created/removed hook
