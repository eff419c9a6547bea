from dataclasses import dataclass

from tortoise.transactions import in_transaction

from app.core.errors import NotFound
from app.core.identity import Permission, Principal
from app.core.pagination import PageRequest
from app.core.signals import changes_committed
from app.models import ChangeKind, Queue, QueueType
from app.repositories import changes as change_repo
from app.repositories import hooks as hook_repo
from app.repositories import queues as queue_repo
from app.repositories.changes import ChangeEntry
from app.services.paging import Page, page_of
from app.services.validation import clean_name, clean_search

QUEUE_SORT = "name"


@dataclass(frozen=True, slots=True)
class DeletedQueue:
    queue_id: int
    hook_ids: list[int]


async def get_queue(principal: Principal, queue_id: int) -> Queue | None:
    principal.require(Permission.QUEUES_READ)
    return await queue_repo.get(principal.tenant, queue_id)


async def revision_for_reading(principal: Principal, queue_id: int) -> int | None:
    """The queue's revision, or None if the caller may not read it (or it is not theirs)."""
    if Permission.QUEUES_READ not in principal.permissions:
        return None
    return await queue_repo.revision_of(principal.tenant, queue_id)


async def get_queues(principal: Principal, queue_ids: list[int]) -> list[Queue]:
    principal.require(Permission.QUEUES_READ)
    return await queue_repo.get_many(principal.tenant, queue_ids)


async def search_queues(principal: Principal, search: str | None, page: PageRequest) -> Page[Queue]:
    principal.require(Permission.QUEUES_READ)
    prefix = clean_search(search)
    window = await queue_repo.search(principal.tenant, prefix, page)

    async def total() -> int:
        return await queue_repo.count(principal.tenant, prefix)

    return page_of(window, total, QUEUE_SORT, queue_repo.QUEUE_ORDER)


async def create_queue(principal: Principal, name: str, queue_type: QueueType) -> Queue:
    """Raises InvalidInput."""
    principal.require(Permission.QUEUES_WRITE)
    return await queue_repo.create(principal.tenant, clean_name("name", name), queue_type)


async def rename_queue(principal: Principal, queue_id: int, name: str) -> Queue:
    """Raises NotFound, InvalidInput."""
    principal.require(Permission.QUEUES_WRITE)
    new_name = clean_name("name", name)
    async with in_transaction():
        queue = await queue_repo.get_for_update(principal.tenant, queue_id)
        if queue is None:
            raise NotFound("queue", [queue_id])
        return await queue_repo.rename(queue, new_name)


async def delete_queue(principal: Principal, queue_id: int) -> DeletedQueue:
    """Delete a queue with all its hooks in one transaction; raises NotFound."""
    principal.require(Permission.QUEUES_WRITE)
    async with in_transaction():
        # Lock order (app/services): the queue, then (by deleting them) its hooks.
        queue = await queue_repo.get_for_update(principal.tenant, queue_id)
        if queue is None:
            raise NotFound("queue", [queue_id])
        hooks = await hook_repo.all_in_queue(queue_id)
        hook_ids = [hook.pk for hook in hooks]
        # Subscribers see each hook go (as it was), then the queue's end; logged
        # before the queue row (which holds the revision counter) disappears.
        entries = [change_repo.removal(hook) for hook in hooks]
        entries.append(ChangeEntry(ChangeKind.QUEUE_DELETED, None, None))
        await change_repo.append_by_queue(
            principal.tenant, {queue_id: entries}, changed_by=principal.user
        )
        await queue_repo.delete(queue)
    changes_committed.send({queue_id})
    return DeletedQueue(queue_id=queue_id, hook_ids=hook_ids)
