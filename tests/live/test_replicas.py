"""Two server processes on one PostgreSQL: changes reach subscribers on every replica."""

import asyncio
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from tortoise.transactions import in_transaction

from app.core.database import close_database, open_database
from app.models import ChangeKind
from app.repositories import changes as change_repo
from app.repositories.changes import NOTIFY_CHANNEL, ChangeEntry
from app.repositories.listener import LISTENER_APPLICATION_NAME
from tests.live.servers import (
    CHANGES,
    Server,
    authed_subscriber,
    next_events,
    running_server,
    token,
)
from tests.live.world import create_hook, given_a_queue, revision, toggle


@pytest.fixture
def pg_url(postgres_session_url: str) -> str:
    from tests.conftest import truncate_postgres

    truncate_postgres(postgres_session_url)
    return postgres_session_url


@pytest.fixture
def replicas(pg_url: str) -> Iterator[tuple[Server, Server]]:
    with running_server(pg_url) as a, running_server(pg_url) as b:
        yield a, b


def asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def listener_pids(url: str) -> set[int]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
            LISTENER_APPLICATION_NAME,
        )
    finally:
        await conn.close()
    return {row["pid"] for row in rows}


async def test_a_change_made_on_one_replica_reaches_subscribers_on_both(
    replicas: tuple[Server, Server],
) -> None:
    a, b = replicas
    world = await given_a_queue(a)
    start = await revision(a, world)
    on_a, on_b = await authed_subscriber(a), await authed_subscriber(b)
    for subscriber in (on_a, on_b):
        await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": start})

    hook = await create_hook(a, world, "MISSED")
    await toggle(b, hook, True)

    for subscriber in (on_a, on_b):
        events = await next_events(subscriber, 2)
        assert [(e["kind"], e["revision"], e["hookId"]) for e in events] == [
            ("CREATED", start + 1, hook),
            ("UPDATED", start + 2, hook),
        ]
        await subscriber.close()


async def test_subscribers_miss_nothing_when_the_listen_connection_is_killed(
    replicas: tuple[Server, Server], pg_url: str
) -> None:
    a, b = replicas
    world = await given_a_queue(a)
    hook = await create_hook(a, world, "JOINED")
    start = await revision(a, world)
    subscriber = await authed_subscriber(b)
    await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": start})
    before = await listener_pids(pg_url)
    assert len(before) == 2, "each replica holds one LISTEN connection"

    async def keep_changing() -> None:
        for i in range(40):
            await toggle(a, hook, i % 2 == 0)

    writer = asyncio.create_task(keep_changing())
    await asyncio.sleep(0.05)
    conn = await asyncpg.connect(asyncpg_dsn(pg_url))
    try:
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = $1 AND datname = current_database()",
            LISTENER_APPLICATION_NAME,
        )
    finally:
        await conn.close()
    events = await next_events(subscriber, 40, within=20)
    await writer

    assert killed == 2
    assert [e["revision"] for e in events] == list(range(start + 1, start + 41))
    after = await listener_pids(pg_url)
    assert len(after) == 2
    assert after.isdisjoint(before), "both replicas reconnected"
    await subscriber.close()


async def write_then_fail(queue_pk: int) -> None:
    """A writer that logs a change and notifies, then fails and rolls back."""
    async with in_transaction():
        entry = ChangeEntry(kind=ChangeKind.DELETED, hook_id=12345, hook=None)
        await change_repo.append(queue_pk, "acme", [entry], changed_by="live")
        await change_repo.notify({queue_pk})
        raise RuntimeError("the write fails after announcing")


async def test_a_rolled_back_write_announces_nothing(
    replicas: tuple[Server, Server], pg_url: str
) -> None:
    a, b = replicas
    world = await given_a_queue(a)
    hook = await create_hook(a, world, "JOINED")
    start = await revision(a, world)
    subscriber = await authed_subscriber(b)
    await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": start})
    heard: list[str] = []
    listen = await asyncpg.connect(asyncpg_dsn(pg_url))
    await listen.add_listener(NOTIFY_CHANNEL, lambda *args: heard.append(args[-1]))
    queue_pk = int(await listen.fetchval("SELECT max(id) FROM queue"))

    await open_database(pg_url)
    try:
        with pytest.raises(RuntimeError):
            await write_then_fail(queue_pk)
    finally:
        await close_database()
    await toggle(a, hook, True)
    events = await next_events(subscriber, 1)
    await asyncio.sleep(0.3)

    assert [(e["kind"], e["revision"], e["hookId"]) for e in events] == [
        ("UPDATED", start + 1, hook)
    ]
    assert heard == [str(queue_pk)], "only the committed write was announced"
    with pytest.raises(TimeoutError):
        await subscriber.receive(within=0.5)
    await listen.close()
    await subscriber.close()


async def test_a_cached_page_on_one_replica_never_hides_a_write_made_on_another(
    replicas: tuple[Server, Server],
) -> None:
    a, b = replicas
    world = await given_a_queue(a)
    hook = await create_hook(a, world, "MISSED")
    page = {"query": "query($q: ID!) { queueHooks(queueId: $q) { nodes { id enabled } } }",
            "variables": {"q": world.queue_id}}  # fmt: skip
    headers = {"Authorization": f"Bearer {token()}"}
    async with httpx.AsyncClient() as client:
        warmed = [await client.post(b.http, json=page, headers=headers) for _ in range(2)]
        await toggle(a, hook, True)
        after = await client.post(b.http, json=page, headers=headers)

    assert [r.headers["x-response-cache"] for r in warmed] == ["miss", "hit"]
    assert after.json()["data"]["queueHooks"]["nodes"] == [{"id": hook, "enabled": True}]
