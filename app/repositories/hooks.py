from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise import connections
from tortoise.expressions import F
from tortoise.queryset import QuerySet

from app.core.pagination import PageRequest
from app.models import FlowSchemaType, QueueHook, QueueHookCount, QueueHookEvent
from app.repositories.keyset import Ordering, Window, fetch_window, window_of
from app.repositories.queues import revision_of
from app.repositories.rows import FlowSchemaRow, HookRow

__all__ = ["FlowSchemaRow", "HookRow"]


class HookSort(StrEnum):
    EVENT = "event"
    FLOW_SCHEMA_NAME = "flow_schema__name"
    ENABLED = "enabled"
    CREATED_AT = "created_at"


@dataclass(frozen=True, slots=True)
class HookFilter:
    events: Collection[QueueHookEvent] | None = None
    enabled: bool | None = None
    flow_schema_ids: Collection[int] | None = None


@dataclass(frozen=True, slots=True)
class HookChanges:
    """The fields an update sets; a field left out keeps its value."""

    values: dict[str, Any] = field(default_factory=dict)


def _scoped(tenant: str) -> QuerySet[QueueHook]:
    return QueueHook.filter(queue__tenant=tenant)


def _conditions(queue_id: int, hook_filter: HookFilter) -> list[tuple[str, Any]]:
    """The filter, written once: (column of queue_hook, value or list of values). The
    ORM query and the PostgreSQL page SQL below are both made from it."""
    conditions: list[tuple[str, Any]] = [("queue_id", queue_id)]
    if hook_filter.events is not None:
        conditions.append(("event", [e.value for e in hook_filter.events]))
    if hook_filter.enabled is not None:
        conditions.append(("enabled", hook_filter.enabled))
    if hook_filter.flow_schema_ids is not None:
        conditions.append(("flow_schema_id", list(hook_filter.flow_schema_ids)))
    return conditions


def _in_queue(tenant: str, queue_id: int, hook_filter: HookFilter) -> QuerySet[QueueHook]:
    # The tenant condition joins the queue row: no separate ownership query.
    return _in_queue_unscoped(queue_id, hook_filter).filter(queue__tenant=tenant)


def _in_queue_unscoped(queue_id: int, hook_filter: HookFilter) -> QuerySet[QueueHook]:
    lookups = {
        f"{column}__in" if isinstance(value, list) else column: value
        for column, value in _conditions(queue_id, hook_filter)
    }
    return QueueHook.filter(**lookups)


async def get(tenant: str, hook_id: int) -> HookRow | None:
    found = await _scoped(tenant).select_related("flow_schema").get_or_none(id=hook_id)
    return HookRow.from_model(found) if found else None


async def get_many(tenant: str, hook_ids: Collection[int]) -> list[HookRow]:
    """The tenant's hooks among `hook_ids`, in id order."""
    found = (
        _scoped(tenant).select_related("flow_schema").filter(id__in=list(hook_ids)).order_by("id")
    )
    return [HookRow.from_model(hook) for hook in await found]


async def queue_of(tenant: str, hook_ids: Collection[int]) -> dict[int, int]:
    """Map each existing hook id of the tenant to its queue id; takes no lock (a
    hook never moves to another queue, so this says which queues to lock)."""
    rows = await _scoped(tenant).filter(id__in=list(hook_ids)).values_list("id", "queue_id")
    return {int(hook_id): int(queue_id) for hook_id, queue_id in rows}


async def existing_ids(tenant: str, hook_ids: Collection[int]) -> set[int]:
    found = await _scoped(tenant).filter(id__in=list(hook_ids)).values_list("id", flat=True)
    return {int(i) for i in found}  # type: ignore[call-overload]  # Tortoise types flat values as tuples


@dataclass(frozen=True, slots=True)
class HookWindow:
    """A window of a queue's hooks with what was read alongside it.

    `revision` is the queue's revision read no later than the rows (in the same
    statement on PostgreSQL), so a response built from the rows may be cached under it;
    None when the queue is not the tenant's. `total` is the filter's total when it came
    with the rows (None: count it with `count_in_queue`)."""

    window: Window[HookRow]
    revision: int | None
    total: int | None


async def list_in_queue(
    tenant: str,
    queue_id: int,
    hook_filter: HookFilter,
    sort: HookSort,
    descending: bool,
    page: PageRequest,
) -> HookWindow:
    """A page of a queue's hooks, each with its flow schema joined in: the same rows
    from both databases. On PostgreSQL, the queue's revision, the total and the page
    are one statement (one round trip, one snapshot)."""
    ordering = sort_ordering(sort, descending)
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        revision = await revision_of(tenant, queue_id)
        query = _in_queue(tenant, queue_id, hook_filter).select_related("flow_schema")
        window = await fetch_window(query, ordering, page)
        rows = [HookRow.from_model(hook) for hook in window.rows]
        return HookWindow(Window(rows, window.has_next, window.has_previous), revision, None)
    sql, args = _page_sql(tenant, queue_id, hook_filter, sort, descending, page)
    # The driver's records as they come: execute_query_dict would copy each into a dict.
    async with connection.acquire_connection() as driver:
        found = await driver.fetch(sql, *args)

    def unbounded() -> QuerySet[QueueHook]:
        return _in_queue(tenant, queue_id, hook_filter)

    if not found:  # the queue is not the tenant's
        return HookWindow(window_of([], unbounded, ordering, page), None, None)
    fetched = [_hook_row(row) for row in found if row["id"] is not None]
    total = found[0]["total"]
    return HookWindow(
        window_of(fetched, unbounded, ordering, page),
        revision=int(found[0]["revision"]),
        total=None if total is None else int(total),
    )


def sort_ordering(sort: HookSort, descending: bool) -> Ordering:
    return Ordering(field=sort.value, descending=descending)


PAGE_COLUMNS = (
    'h."id", h."queue_id", h."flow_schema_id", h."event", h."enabled", h."version", '
    'h."created_at", h."created_by", h."updated_at", h."updated_by", s."name" AS "s_name", '
    's."type" AS "s_type", s."created_at" AS "s_created_at", s."updated_at" AS "s_updated_at"'
)
# Each sort's column in the page query, and in the page's rows (`p`) around it.
SORT_COLUMNS = {
    HookSort.EVENT: ('h."event"', 'p."event"'),
    HookSort.FLOW_SCHEMA_NAME: ('s."name"', 'p."s_name"'),
    HookSort.ENABLED: ('h."enabled"', 'p."enabled"'),
    HookSort.CREATED_AT: ('h."created_at"', 'p."created_at"'),
}


def _page_sql(
    tenant: str,
    queue_id: int,
    hook_filter: HookFilter,
    sort: HookSort,
    descending: bool,
    page: PageRequest,
) -> tuple[str, list[Any]]:
    """The registry's hot path as one statement: the tenant's queue row (none: not
    theirs) with its revision and the filter's total from the trigger-kept counts, and
    the page joined to it laterally (one row of nulls when the page is empty). The page
    uses a row-value keyset condition the (queue_id, event, id) index serves."""
    args: list[Any] = [tenant, queue_id]
    page_where: list[str] = []
    count_where: list[str] = []
    for column, value in _conditions(queue_id, hook_filter):
        if column == "queue_id":
            # The argument, not q."id": a constant makes the total an InitPlan run
            # once, where a reference to q re-ran it for every row of the page.
            page_where.append('h."queue_id" = $2')
            count_where.append('c."queue_id" = $2')
            continue
        args.append(value)
        term = _term(column, value, len(args))
        page_where.append(f"h.{term}")
        count_where.append(f"c.{term}")
    if hook_filter.flow_schema_ids is not None:  # the kept counts are not per flow schema
        total = "NULL"
    else:
        total = (
            'SELECT coalesce(sum(c."count"), 0) FROM "queue_hook_count" c '
            f"WHERE {' AND '.join(count_where)}"
        )
    column, outer_column = SORT_COLUMNS[sort]
    for bound, forward in ((page.after, True), (page.before, False)):
        if bound is not None:
            args += [bound.value, bound.id]
            op = ">" if forward != descending else "<"
            page_where.append(f'({column}, h."id") {op} (${len(args) - 1}, ${len(args)})')
    direction = "DESC" if descending != page.from_end else "ASC"
    sql = (
        f'SELECT q."revision", ({total}) AS "total", p.* FROM "queue" q '
        f'LEFT JOIN LATERAL (SELECT {PAGE_COLUMNS} FROM "queue_hook" h '
        'JOIN "flow_schema" s ON s."id" = h."flow_schema_id" '
        f"WHERE {' AND '.join(page_where)} "
        f'ORDER BY {column} {direction}, h."id" {direction} LIMIT {page.limit + 1}) p ON true '
        'WHERE q."id" = $2 AND q."tenant" = $1 '
        # A lateral subquery's order is not promised to survive the join.
        f'ORDER BY {outer_column} {direction}, p."id" {direction}'
    )
    return sql, args


def _term(column: str, value: Any, position: int) -> str:
    """`column` equal to argument `position`, or one of its values for a list."""
    if isinstance(value, list):
        array = "int" if column == "flow_schema_id" else "varchar"
        return f'"{column}" = ANY(${position}::{array}[])'
    return f'"{column}" = ${position}'


# Members by stored value: a dict lookup, where calling the enum goes through EnumType.
_EVENTS = {event.value: event for event in QueueHookEvent}
_FLOW_SCHEMA_TYPES = {kind.value: kind for kind in FlowSchemaType}


def _hook_row(row: Mapping[str, Any]) -> HookRow:
    return HookRow(
        pk=row["id"],
        queue_id=row["queue_id"],
        event=_EVENTS[row["event"]],
        enabled=row["enabled"],
        version=row["version"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
        flow_schema=FlowSchemaRow(
            pk=row["flow_schema_id"],
            name=row["s_name"],
            type=_FLOW_SCHEMA_TYPES[row["s_type"]],
            created_at=row["s_created_at"],
            updated_at=row["s_updated_at"],
        ),
    )


async def using_flow_schema(
    flow_schema_id: int, queue_ids: Collection[int] | None = None
) -> list[HookRow]:
    query = QueueHook.filter(flow_schema_id=flow_schema_id)
    if queue_ids is not None:
        query = query.filter(queue_id__in=list(queue_ids))
    return [HookRow.from_model(h) for h in await query.select_related("flow_schema").order_by("id")]


async def queues_using_flow_schema(flow_schema_id: int) -> set[int]:
    ids = (
        await QueueHook.filter(flow_schema_id=flow_schema_id)
        .distinct()
        .values_list("queue_id", flat=True)
    )
    return {int(i) for i in ids}  # type: ignore[call-overload]  # Tortoise types flat values as tuples


async def count_in_queue(tenant: str, queue_id: int, hook_filter: HookFilter) -> int:
    """How many hooks match; from the trigger-kept counts unless filtering by flow schema.
    (PostgreSQL's page statement reads the same total itself: `_page_sql`.)"""
    if hook_filter.flow_schema_ids is not None:
        return await _in_queue(tenant, queue_id, hook_filter).count()
    counts = QueueHookCount.filter(queue_id=queue_id, queue__tenant=tenant)
    if hook_filter.events is not None:
        counts = counts.filter(event__in=[e.value for e in hook_filter.events])
    if hook_filter.enabled is not None:
        counts = counts.filter(enabled=hook_filter.enabled)
    return sum(await counts.values_list("count", flat=True))  # type: ignore[arg-type]  # Tortoise types flat values as tuples


async def scanned_count(queue_id: int, hook_filter: HookFilter) -> int:
    """The same count by scanning the hooks: what the kept counts must always equal."""
    return await _in_queue_unscoped(queue_id, hook_filter).count()


async def enabled_for_event(
    queue_id: int, event: QueueHookEvent, except_id: int | None = None
) -> int | None:
    """The id of the queue's enabled hook for the event (other than `except_id`)."""
    query = QueueHook.filter(queue_id=queue_id, event=event.value, enabled=True)
    if except_id is not None:
        query = query.exclude(id=except_id)
    found: int | None = await query.first().values_list("id", flat=True)  # type: ignore[assignment]  # Tortoise types first().values_list() as a list
    return found


async def create(
    *, queue_id: int, event: QueueHookEvent, flow_schema_id: int, enabled: bool, user: str
) -> int:
    """The new hook's id."""
    created = await QueueHook.create(
        queue_id=queue_id,
        event=event,
        flow_schema_id=flow_schema_id,
        enabled=enabled,
        version=1,
        created_by=user,
        updated_by=user,
    )
    new_id: int = created.id
    return new_id


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


async def all_in_queue(queue_id: int) -> list[HookRow]:
    """Every hook of a queue with its flow schema, in id order."""
    found = QueueHook.filter(queue_id=queue_id).select_related("flow_schema").order_by("id")
    return [HookRow.from_model(hook) for hook in await found]


def locking(hook_ids: Collection[int]) -> QuerySet[QueueHook]:
    """The hooks' rows, locked (on PostgreSQL) until the transaction ends, in ascending id
    order: PostgreSQL locks rows in the order the query returns them. No join, so that
    only hook rows are locked, and whole rows: `values_list()` would drop FOR UPDATE."""
    return QueueHook.filter(id__in=sorted(set(hook_ids))).order_by("id").select_for_update()


async def lock_in_id_order(hook_ids: Collection[int]) -> dict[int, HookRow]:
    """Lock the hooks' rows in ascending id order; return those that exist, by id, as
    they are under the lock (read again with their flow schemas: the locking query
    joins nothing, so that it locks no flow schema row)."""
    locked = [hook.pk for hook in await locking(hook_ids)]
    found = QueueHook.filter(id__in=locked).select_related("flow_schema").order_by("id")
    return {hook.pk: HookRow.from_model(hook) for hook in await found}
