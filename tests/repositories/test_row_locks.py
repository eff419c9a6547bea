"""The row locks the lock order (app/services) relies on are really taken.

Each locking repository function is run inside a transaction on PostgreSQL; the
test reads the SQL it sent (Tortoise's query log) and then tries, from a second
connection, to take the same rows without waiting.
"""

import logging
from collections.abc import Collection

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from app.repositories import flow_schemas as schema_repo
from app.repositories import hooks as hook_repo
from app.repositories import queues as queue_repo
from tests.factories import TENANT, create_flow_schema, create_hook, create_queue

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

QUERY_LOG = "tortoise.db_client"


def sent(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == QUERY_LOG]


async def can_lock(url: str, table: str, ids: Collection[int], mode: str) -> bool:
    """Whether another connection could take `mode` locks on the rows right now."""
    other = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
    try:
        async with other.transaction():
            await other.fetch(
                f'SELECT "id" FROM "{table}" WHERE "id" = ANY($1::int[]) {mode} NOWAIT', list(ids)
            )
    except asyncpg.LockNotAvailableError:
        return False
    finally:
        await other.close()
    return True


async def test_locking_hooks_sends_for_update_and_holds_the_rows(
    database: str, caplog: pytest.LogCaptureFixture
) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hooks = [(await create_hook(queue, schema, enabled=False)).pk for _ in range(3)]

    async with in_transaction():
        with caplog.at_level(logging.DEBUG, logger=QUERY_LOG):
            locked = await hook_repo.lock_in_id_order(hooks[1::-1])
        held = not await can_lock(database, "queue_hook", hooks[:2], "FOR UPDATE")
        others_free = await can_lock(database, "queue_hook", hooks[2:], "FOR UPDATE")

    assert list(locked) == hooks[:2]
    lock, read = sent(caplog)  # the rows with their flow schemas, read under the lock
    assert 'ORDER BY "id" ASC FOR UPDATE:' in lock, lock
    assert " FOR " not in read, read  # no flow schema row is locked
    assert held
    assert others_free
    assert await can_lock(database, "queue_hook", hooks, "FOR UPDATE")


async def test_locking_queues_sends_for_update_in_id_order(
    database: str, caplog: pytest.LogCaptureFixture
) -> None:
    queues = [(await create_queue(f"q{n}")).pk for n in range(3)]
    foreign = (await create_queue("theirs", tenant="globex")).pk

    async with in_transaction():
        with caplog.at_level(logging.DEBUG, logger=QUERY_LOG):
            locked = await queue_repo.lock(TENANT, [queues[1], queues[0], foreign])
        held = not await can_lock(database, "queue", queues[:2], "FOR UPDATE")
        others_free = await can_lock(database, "queue", [queues[2], foreign], "FOR UPDATE")

    assert locked == queues[:2]
    (statement,) = sent(caplog)
    assert 'ORDER BY "id" ASC FOR UPDATE:' in statement, statement
    assert held
    assert others_free


async def test_a_flow_schema_locked_for_reference_is_shared_not_exclusive(
    database: str, caplog: pytest.LogCaptureFixture
) -> None:
    schema = await create_flow_schema()

    async with in_transaction():
        with caplog.at_level(logging.DEBUG, logger=QUERY_LOG):
            schema_type = await schema_repo.lock_for_reference(TENANT, schema.pk)
        shared_too = await can_lock(database, "flow_schema", [schema.pk], "FOR SHARE")
        exclusive = await can_lock(database, "flow_schema", [schema.pk], "FOR NO KEY UPDATE")

    assert schema_type == schema.type
    (statement,) = sent(caplog)
    assert "FOR SHARE" in statement, statement
    assert shared_too  # other hooks may be pointed at it meanwhile
    assert not exclusive  # but it cannot be renamed or deleted
    assert await schema_repo.lock_for_reference("globex", schema.pk) is None


async def test_a_flow_schema_locked_for_update_is_exclusive(database: str) -> None:
    schema = await create_flow_schema()

    async with in_transaction():
        locked = await schema_repo.get_for_update(TENANT, schema.pk)
        shared = await can_lock(database, "flow_schema", [schema.pk], "FOR KEY SHARE")

    assert locked is not None
    assert not shared  # no hook can be pointed at it meanwhile
