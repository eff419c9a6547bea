"""One hook shape: the same typed rows from every read and both databases, and a
change-log snapshot that reads back as the row it was written from."""

import orjson

from app.core.pagination import PageRequest
from app.models import QueueHookChange, QueueHookEvent
from app.repositories import changes as change_repo
from app.repositories import hooks as hook_repo
from app.repositories.hooks import HookFilter, HookSort
from app.repositories.rows import HookRow
from app.services import hooks
from tests.factories import TENANT, create_flow_schema, create_hook, create_queue
from tests.graphql.client import principal


async def test_a_page_and_a_lookup_read_the_same_row(database: str) -> None:
    queue = await create_queue()
    hook = await create_hook(queue, await create_flow_schema("Ünïcode ✓"))

    read = await hook_repo.list_in_queue(
        TENANT,
        queue.pk,
        HookFilter(),
        HookSort.EVENT,
        False,
        PageRequest(limit=10, after=None, before=None, from_end=False),
    )
    looked_up = await hook_repo.get(TENANT, hook.pk)
    locked = await hook_repo.lock_in_id_order([hook.pk])

    assert read.window.rows == [looked_up] == [locked[hook.pk]]
    assert type(read.window.rows[0]) is HookRow


async def test_a_snapshot_reads_back_as_the_row_it_was_logged_from(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    created = await hooks.create_hook(principal(), queue.pk, QueueHookEvent.JOINED, schema.pk, True)

    logged = await QueueHookChange.get(queue_id=queue.pk, revision=1)
    stored = logged.hook

    assert HookRow.from_json(stored) == created
    assert HookRow.from_json(orjson.loads(orjson.dumps(created.to_json()))) == created
    assert [c.hook for c in await change_repo.after(queue.pk, 0, 10)] == [stored]
    assert await hook_repo.get(TENANT, created.pk) == created
