"""The change log: append within a writer's transaction, read for replay and tailing.

Revisions are per queue. Appending bumps the queue row's counter, which locks
the row until commit, so one queue's revisions commit in order with no gaps.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise import connections
from tortoise.expressions import F
from tortoise.queryset import QuerySet

from app.core.pagination import PageRequest
from app.models import ChangeKind, Queue, QueueHookChange
from app.repositories.keyset import Ordering, Window, fetch_window
from app.repositories.rows import HookRow

NOTIFY_CHANNEL = "queue_hook_changes"
# NOTIFY payloads must stay under 8000 bytes; past this, ask listeners to check all queues.
MAX_NOTIFY_PAYLOAD = 7000
EVERY_QUEUE = "*"


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    kind: ChangeKind
    hook_id: int | None
    # The hook as it was after the change; for a removal, as it was just before (read
    # in the deleting transaction, before the delete).
    hook: HookRow | None


def removal(hook: HookRow) -> ChangeEntry:
    return ChangeEntry(kind=ChangeKind.DELETED, hook_id=hook.pk, hook=hook)


async def append(queue_id: int, tenant: str, entries: list[ChangeEntry], *, changed_by: str) -> int:
    """Log changes of one queue, made by the user `changed_by`, in the current
    transaction; return the newest revision.

    The caller holds the queue's row lock already (the lock order in app/services):
    bumping the revision must never be what first locks the queue, since by then
    the transaction may hold rows that come after it in that order."""
    await Queue.filter(id=queue_id).update(revision=F("revision") + len(entries))
    newest: int = await Queue.filter(id=queue_id).first().values_list("revision", flat=True)  # type: ignore[assignment]  # Tortoise types first().values_list() as a list
    first = newest - len(entries) + 1
    await QueueHookChange.bulk_create(
        [
            QueueHookChange(
                queue_id=queue_id,
                tenant=tenant,
                revision=first + offset,
                kind=entry.kind,
                hook_id=entry.hook_id,
                hook=entry.hook.to_json() if entry.hook is not None else None,
                changed_by=changed_by,
            )
            for offset, entry in enumerate(entries)
        ]
    )
    return newest


async def append_by_queue(
    tenant: str, by_queue: dict[int, list[ChangeEntry]], *, changed_by: str
) -> None:
    """Log each queue's changes (queues in ascending id) and NOTIFY them once, in the
    current transaction; every queue is locked already, as for `append`."""
    for queue_id, entries in sorted(by_queue.items()):
        await append(queue_id, tenant, entries, changed_by=changed_by)
    if by_queue:
        await notify(set(by_queue))


async def notify(queue_ids: set[int]) -> None:
    """On PostgreSQL, NOTIFY listeners of every replica; delivered only if we commit."""
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        return
    payload = ",".join(str(q) for q in sorted(queue_ids))
    if len(payload) > MAX_NOTIFY_PAYLOAD:
        payload = EVERY_QUEUE
    await connection.execute_query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, payload])


async def after(queue_id: int, revision: int, limit: int) -> list[QueueHookChange]:
    return (
        await QueueHookChange.filter(queue_id=queue_id, revision__gt=revision)
        .order_by("revision")
        .limit(limit)
    )


async def current_revision(queue_id: int) -> int | None:
    """The queue's newest revision, or None if the queue no longer exists."""
    found: int | None = await Queue.filter(id=queue_id).first().values_list("revision", flat=True)  # type: ignore[assignment]  # Tortoise types first().values_list() as a list
    return found


async def oldest_retained(queue_id: int) -> int | None:
    row = await QueueHookChange.filter(queue_id=queue_id).order_by("revision").first()
    return row.revision if row else None


async def prune(keep_per_queue: int, orphan_age: timedelta) -> int:
    """Drop log entries beyond the newest `keep_per_queue` of each queue, and the logs
    of queues deleted longer than `orphan_age` ago; return how many were removed."""
    removed = 0
    long_logs = await Queue.filter(revision__gt=keep_per_queue).values_list("id", "revision")
    for queue_id, revision in long_logs:
        removed += await QueueHookChange.filter(
            queue_id=queue_id, revision__lte=revision - keep_per_queue
        ).delete()
    old = QueueHookChange.filter(created_at__lt=datetime.now(UTC) - orphan_age)
    logged = {int(q) for q in await old.distinct().values_list("queue_id", flat=True)}  # type: ignore[call-overload]  # Tortoise types flat values as tuples
    if logged:
        alive = {int(q) for q in await Queue.filter(id__in=logged).values_list("id", flat=True)}  # type: ignore[call-overload]  # Tortoise types flat values as tuples
        if deleted_queues := logged - alive:
            removed += await QueueHookChange.filter(queue_id__in=deleted_queues).delete()
    return removed


CHANGE_LOG_ORDER = Ordering(field="revision", descending=True)


def _hook_changes(tenant: str, queue_id: int) -> QuerySet[QueueHookChange]:
    # A queue's own end is no change to one of its hooks.
    return QueueHookChange.filter(queue_id=queue_id, tenant=tenant).exclude(
        kind=ChangeKind.QUEUE_DELETED
    )


async def newest_first(tenant: str, queue_id: int, page: PageRequest) -> Window[QueueHookChange]:
    """A page of a queue's retained hook changes, newest first."""
    return await fetch_window(_hook_changes(tenant, queue_id), CHANGE_LOG_ORDER, page)


async def count_retained(tenant: str, queue_id: int) -> int:
    return await _hook_changes(tenant, queue_id).count()
