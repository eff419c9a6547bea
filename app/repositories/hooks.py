from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet

from app.core.pagination import PageRequest
from app.models import QueueHook, QueueHookCount, QueueHookEvent
from app.repositories.keyset import Ordering, Window, fetch_window


class HookSort(StrEnum):
    EVENT = "event"
    FLOW_SCHEMA_NAME = "schema__name"
    ENABLED = "enabled"
    CREATED_AT = "created_at"


@dataclass(frozen=True, slots=True)
class HookFilter:
    events: Collection[QueueHookEvent] | None = None
    enabled: bool | None = None
    schema_ids: Collection[int] | None = None


@dataclass(frozen=True, slots=True)
class HookChanges:
    """The fields an update sets; a field left out keeps its value."""

    values: dict[str, Any] = field(default_factory=dict)


def _scoped(tenant: str) -> QuerySet[QueueHook]:
    return QueueHook.filter(queue__tenant=tenant)


def _in_queue(tenant: str, queue_id: int, hook_filter: HookFilter) -> QuerySet[QueueHook]:
    # The tenant condition joins the queue row: no separate ownership query.
    return _in_queue_unscoped(queue_id, hook_filter).filter(queue__tenant=tenant)


def _in_queue_unscoped(queue_id: int, hook_filter: HookFilter) -> QuerySet[QueueHook]:
    query = QueueHook.filter(queue_id=queue_id)
    if hook_filter.events is not None:
        query = query.filter(event__in=[e.value for e in hook_filter.events])
    if hook_filter.enabled is not None:
        query = query.filter(enabled=hook_filter.enabled)
    if hook_filter.schema_ids is not None:
        query = query.filter(schema_id__in=list(hook_filter.schema_ids))
    return query


async def get(tenant: str, hook_id: int) -> QueueHook | None:
    return await _scoped(tenant).select_related("schema").get_or_none(id=hook_id)


async def get_many(tenant: str, hook_ids: list[int]) -> list[QueueHook]:
    return await _scoped(tenant).select_related("schema").filter(id__in=hook_ids)


async def queue_of(tenant: str, hook_ids: Collection[int]) -> dict[int, int]:
    """Map each existing hook id of the tenant to its queue id, locking the rows
    (on PostgreSQL) until the transaction ends."""
    rows = (
        await _scoped(tenant)
        .select_for_update()
        .filter(id__in=list(hook_ids))
        .values_list("id", "queue_id")
    )
    return {int(hook_id): int(queue_id) for hook_id, queue_id in rows}


async def existing_ids(tenant: str, hook_ids: Collection[int]) -> set[int]:
    found = await _scoped(tenant).filter(id__in=list(hook_ids)).values_list("id", flat=True)
    return {int(i) for i in found}  # type: ignore[call-overload]


async def list_in_queue(
    tenant: str,
    queue_id: int,
    hook_filter: HookFilter,
    sort: HookSort,
    descending: bool,
    page: PageRequest,
) -> Window[QueueHook]:
    """A page of a queue's hooks, each with its flow schema joined in (one query)."""
    query = _in_queue(tenant, queue_id, hook_filter).select_related("schema")
    return await fetch_window(query, Ordering(field=sort.value, descending=descending), page)


async def using_schema(schema_id: int) -> list[QueueHook]:
    return await QueueHook.filter(schema_id=schema_id).select_related("schema").order_by("id")


async def count_in_queue(tenant: str, queue_id: int, hook_filter: HookFilter) -> int:
    """How many hooks match; from the trigger-kept counts unless filtering by flow schema."""
    if hook_filter.schema_ids is not None:
        return await _in_queue(tenant, queue_id, hook_filter).count()
    counts = QueueHookCount.filter(queue_id=queue_id, queue__tenant=tenant)
    if hook_filter.events is not None:
        counts = counts.filter(event__in=[e.value for e in hook_filter.events])
    if hook_filter.enabled is not None:
        counts = counts.filter(enabled=hook_filter.enabled)
    return sum(await counts.values_list("n", flat=True))  # type: ignore[arg-type]


async def scanned_count(queue_id: int, hook_filter: HookFilter) -> int:
    """The same count by scanning the hooks: what the kept counts must always equal."""
    return await _in_queue_unscoped(queue_id, hook_filter).count()


async def enabled_for_event(
    queue_id: int, event: QueueHookEvent, except_id: int | None = None
) -> QueueHook | None:
    query = QueueHook.filter(queue_id=queue_id, event=event.value, enabled=True)
    if except_id is not None:
        query = query.exclude(id=except_id)
    return await query.first()


async def create(
    *, queue_id: int, event: QueueHookEvent, schema_id: int, enabled: bool, user: str
) -> QueueHook:
    return await QueueHook.create(
        queue_id=queue_id,
        event=event,
        schema_id=schema_id,
        enabled=enabled,
        version=1,
        created_by=user,
        updated_by=user,
    )


async def update_if_version(hook_id: int, version: int, changes: HookChanges, user: str) -> bool:
    """Apply changes only if the row is still at `version`; bump the version."""
    updated: int = await QueueHook.filter(id=hook_id, version=version).update(
        **changes.values,
        version=F("version") + 1,
        updated_by=user,
        updated_at=datetime.now(UTC),
    )
    # > 0, not == 1: SQLite's count also includes rows changed by triggers.
    return updated > 0


async def delete_many(hook_ids: Collection[int]) -> None:
    await QueueHook.filter(id__in=list(hook_ids)).delete()
