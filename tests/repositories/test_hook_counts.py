"""The trigger-kept counts always equal a scan, whoever writes and however."""

import itertools

from tortoise import connections

from app.core.identity import ALL_PERMISSIONS, Principal
from app.core.pagination import PageRequest
from app.models import QueueHook, QueueHookEvent
from app.repositories import hooks as hook_repo
from app.repositories.hooks import HookFilter, HookSort
from app.services import hooks as hook_service
from app.services import queues as queue_service
from app.services.hooks import HookUpdate
from tests.factories import TENANT, create_flow_schema, create_hook, create_queue

OWNER = Principal(user="count-test", tenant=TENANT, permissions=frozenset(ALL_PERMISSIONS))
ONE = PageRequest(limit=1, after=None, before=None, from_end=False)
EVENT_SETS = [None, [QueueHookEvent.JOINED], [QueueHookEvent.MISSED, QueueHookEvent.ACTIVE]]


async def assert_counts_match(queue_id: int) -> None:
    # PostgreSQL reads the total with the page, in the same statement; SQLite counts apart
    with_page = connections.get("default").capabilities.dialect == "postgres"
    for events, enabled in itertools.product(EVENT_SETS, [None, True, False]):
        hook_filter = HookFilter(events=events, enabled=enabled)
        kept = await hook_repo.count_in_queue(TENANT, queue_id, hook_filter)
        scanned = await hook_repo.scanned_count(queue_id, hook_filter)
        assert kept == scanned, (events, enabled)
        read = await hook_repo.list_in_queue(
            TENANT, queue_id, hook_filter, HookSort.EVENT, False, ONE
        )
        assert read.total == (scanned if with_page else None), (events, enabled)


async def test_counts_follow_every_kind_of_write(database: str) -> None:
    queue = await create_queue()
    other = await create_queue("other")
    schema = await create_flow_schema()
    # Written directly through the ORM, as a bulk load would
    made = [await create_hook(queue, schema, event, enabled=False) for event in QueueHookEvent]
    await create_hook(queue, schema, QueueHookEvent.JOINED, enabled=True)
    await assert_counts_match(queue.pk)

    # Written through the services
    await hook_service.update_hook(
        OWNER, made[0].pk, HookUpdate(enabled=True, event=QueueHookEvent.MISSED)
    )
    await hook_service.update_hook(OWNER, made[1].pk, HookUpdate(event=QueueHookEvent.ACTIVE))
    await hook_service.delete_hooks(OWNER, [made[2].pk, made[3].pk])
    await hook_service.create_hook(OWNER, queue.pk, QueueHookEvent.ACTIVE, schema.pk, True)
    await assert_counts_match(queue.pk)

    # Written by queryset updates and deletes, and moved between queues
    await QueueHook.filter(id=made[4].pk).update(queue_id=other.pk)
    await QueueHook.filter(queue=queue, event=QueueHookEvent.BRIDGED).delete()
    await assert_counts_match(queue.pk)
    await assert_counts_match(other.pk)

    # And gone with the queue
    await queue_service.delete_queue(OWNER, queue.pk)
    assert await hook_repo.count_in_queue(TENANT, queue.pk, HookFilter()) == 0
