from collections.abc import Collection

from tortoise import connections
from tortoise.queryset import QuerySet

from app.core.pagination import PageRequest
from app.models import Queue, QueueHook, QueueType
from app.repositories.keyset import Ordering, Window, fetch_window
from app.repositories.word_search import word_start_filter

QUEUE_ORDER = Ordering(field="name", descending=False)
# Raw SQL on purpose: this runs before every cached read, and skips the ORM's overhead.
REVISION_SQL = {
    "postgres": 'SELECT "revision" FROM "queue" WHERE "id" = $1 AND "tenant" = $2',
    "sqlite": 'SELECT "revision" FROM "queue" WHERE "id" = ? AND "tenant" = ?',
}


def _scoped(tenant: str) -> QuerySet[Queue]:
    return Queue.filter(tenant=tenant)


async def get(tenant: str, queue_id: int) -> Queue | None:
    return await _scoped(tenant).get_or_none(id=queue_id)


async def get_many(tenant: str, queue_ids: list[int]) -> list[Queue]:
    return await _scoped(tenant).filter(id__in=queue_ids)


async def exists(tenant: str, queue_id: int) -> bool:
    return await _scoped(tenant).filter(id=queue_id).exists()


async def get_for_update(tenant: str, queue_id: int) -> Queue | None:
    """The queue, its row locked until the transaction ends (FOR UPDATE on PostgreSQL)."""
    return await _scoped(tenant).select_for_update().get_or_none(id=queue_id)


async def lock(tenant: str, queue_ids: Collection[int]) -> list[int]:
    """Lock the tenant's queues among `queue_ids` in id order until the transaction
    ends (FOR UPDATE on PostgreSQL); return the ids of those that exist.

    Whole rows on purpose: Tortoise drops FOR UPDATE from `values_list()` queries."""
    rows = (
        await _scoped(tenant)
        .filter(id__in=sorted(set(queue_ids)))
        .select_for_update()
        .order_by("id")
        .only("id")
    )
    return [row.pk for row in rows]


async def search(tenant: str, prefix: str | None, page: PageRequest) -> Window[Queue]:
    query = _scoped(tenant)
    if prefix:
        query = query.filter(**word_start_filter(prefix))
    return await fetch_window(query, QUEUE_ORDER, page)


async def count(tenant: str, prefix: str | None) -> int:
    query = _scoped(tenant)
    if prefix:
        query = query.filter(**word_start_filter(prefix))
    return await query.count()


async def create(tenant: str, name: str, queue_type: QueueType) -> Queue:
    return await Queue.create(tenant=tenant, name=name, type=queue_type)


async def rename(queue: Queue, name: str) -> Queue:
    queue.name = name
    await queue.save(update_fields=["name", "updated_at"])
    return queue


async def delete(queue: Queue) -> None:
    """Delete a queue and its hooks."""
    await QueueHook.filter(queue_id=queue.pk).delete()
    await Queue.filter(id=queue.pk).delete()


async def revision_of(tenant: str, queue_id: int) -> int | None:
    """The queue's revision if it is the tenant's: one primary-key lookup."""
    connection = connections.get("default")
    sql = REVISION_SQL["postgres" if connection.capabilities.dialect == "postgres" else "sqlite"]
    rows = await connection.execute_query_dict(sql, [queue_id, tenant])
    return int(rows[0]["revision"]) if rows else None
