"""Queue hooks: the registry's rules.

At most one enabled hook per (queue, event): checked first for a friendly error,
and enforced by a partial unique index, whose violation (a concurrent writer won)
is turned into the same typed error.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.core.errors import (
    DuplicateEnabledEvent,
    FlowSchemaNotAllowed,
    InvalidInput,
    NotFound,
    VersionConflict,
)
from app.core.identity import Permission, Principal
from app.core.pagination import PageRequest
from app.core.signals import changes_committed
from app.models import ChangeKind, FlowSchemaType, QueueHookEvent
from app.models.enums import HOOK_FLOW_SCHEMA_TYPES
from app.repositories import changes as change_repo
from app.repositories import flow_schemas as flow_schema_repo
from app.repositories import hooks as hook_repo
from app.repositories import queues as queue_repo
from app.repositories.changes import ChangeEntry
from app.repositories.hooks import HookChanges, HookFilter, HookRow, HookSort
from app.services.paging import Page, page_of

__all__ = ["HookFilter", "HookRow", "HookSort", "HookUpdate"]

MAX_BULK_DELETE = 1000
UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class HookUpdate:
    """A partial update: only the fields given (not UNSET) change."""

    event: QueueHookEvent = UNSET
    flow_schema_id: int = UNSET
    enabled: bool = UNSET
    expected_version: int | None = None


async def get_hook(principal: Principal, hook_id: int) -> HookRow | None:
    principal.require(Permission.QUEUES_READ)
    return await hook_repo.get(principal.tenant, hook_id)


async def list_hooks(
    principal: Principal,
    queue_id: int,
    hook_filter: HookFilter,
    sort: HookSort,
    descending: bool,
    page: PageRequest,
) -> Page[HookRow] | None:
    """A page of a queue's hooks, or None when the queue is not the caller's."""
    principal.require(Permission.QUEUES_READ)
    tenant = principal.tenant
    read = await hook_repo.list_in_queue(tenant, queue_id, hook_filter, sort, descending, page)
    if read.revision is None:  # not the tenant's queue
        return None
    kept_total = read.total

    async def total() -> int:
        if kept_total is not None:
            return kept_total
        return await hook_repo.count_in_queue(tenant, queue_id, hook_filter)

    ordering = hook_repo.sort_ordering(sort, descending)
    return page_of(read.window, total, sort_key(sort, descending), ordering, read.revision)


def sort_key(sort: HookSort, descending: bool) -> str:
    return f"{sort.name}:{'desc' if descending else 'asc'}"


async def create_hook(
    principal: Principal,
    queue_id: int,
    event: QueueHookEvent,
    flow_schema_id: int,
    enabled: bool,
) -> HookRow:
    """Raises NotFound, FlowSchemaNotAllowed, DuplicateEnabledEvent."""
    principal.require(Permission.QUEUES_WRITE)
    tenant = principal.tenant
    try:
        async with in_transaction():
            # Lock order (app/services): the flow schema, then the queue.
            flow_schema_type = await flow_schema_repo.lock_for_reference(tenant, flow_schema_id)
            if await queue_repo.get_for_update(tenant, queue_id) is None:
                raise NotFound("queue", [queue_id])
            _check_flow_schema(flow_schema_id, flow_schema_type)
            if enabled:
                await _check_event_free(queue_id, event, except_id=None)
            created = await hook_repo.create(
                queue_id=queue_id,
                event=event,
                flow_schema_id=flow_schema_id,
                enabled=enabled,
                user=principal.user,
            )
            hook = await _reload(principal, created)
            await _log(principal, queue_id, [_entry(ChangeKind.CREATED, hook)])
    except IntegrityError:
        await _check_event_free(queue_id, event, except_id=None)
        raise
    changes_committed.send({queue_id})
    return hook


async def update_hook(principal: Principal, hook_id: int, update: HookUpdate) -> HookRow:
    """Apply a partial update; raises NotFound, FlowSchemaNotAllowed,
    DuplicateEnabledEvent, VersionConflict."""
    principal.require(Permission.QUEUES_WRITE)
    tenant = principal.tenant
    seen = await hook_repo.get(tenant, hook_id)
    if seen is None:
        raise NotFound("queue hook", [hook_id])
    _check_version(seen, update)
    if not _changes(seen, update):
        return seen
    try:
        async with in_transaction():
            # Lock order (app/services): the flow schema it is pointed at, then its
            # queue (a hook never moves); under that lock nobody else writes the hook.
            flow_schema_type = None
            if update.flow_schema_id is not UNSET:
                flow_schema_type = await flow_schema_repo.lock_for_reference(
                    tenant, update.flow_schema_id
                )
            hook = None
            if await queue_repo.get_for_update(tenant, seen.queue_id) is not None:
                hook = await hook_repo.get(tenant, hook_id)
            if hook is None:
                raise NotFound("queue hook", [hook_id])
            _check_version(hook, update)
            changes = _changes(hook, update)
            if not changes:
                return hook
            if "flow_schema_id" in changes:
                _check_flow_schema(update.flow_schema_id, flow_schema_type)
            event = QueueHookEvent(changes.get("event", hook.event))
            if changes.get("enabled", hook.enabled):
                await _check_event_free(hook.queue_id, event, except_id=hook_id)
            if not await hook_repo.update_if_version(
                hook_id, hook.version, HookChanges(changes), principal.user
            ):  # cannot happen under the queue's lock; kept as the last line of defence
                raise VersionConflict(hook_id, hook.version)
            updated = await _reload(principal, hook_id)
            await _log(principal, hook.queue_id, [_entry(ChangeKind.UPDATED, updated)])
    except IntegrityError:
        event = QueueHookEvent(update.event if update.event is not UNSET else seen.event)
        await _check_event_free(seen.queue_id, event, except_id=hook_id)
        raise
    changes_committed.send({seen.queue_id})
    return updated


def _check_version(hook: HookRow, update: HookUpdate) -> None:
    if update.expected_version is not None and update.expected_version != hook.version:
        raise VersionConflict(hook.pk, hook.version)


def _changes(hook: HookRow, update: HookUpdate) -> dict[str, Any]:
    """The fields `update` gives that differ from the hook's."""
    changes: dict[str, Any] = {}
    if update.event is not UNSET and update.event != hook.event:
        changes["event"] = update.event
    if update.flow_schema_id is not UNSET and update.flow_schema_id != hook.flow_schema_id:
        changes["flow_schema_id"] = update.flow_schema_id
    if update.enabled is not UNSET and update.enabled != hook.enabled:
        changes["enabled"] = update.enabled
    return changes


async def missing_hooks(principal: Principal, hook_ids: Collection[int]) -> list[int]:
    """The ids among `hook_ids` that name no hook of the caller's tenant."""
    principal.require(Permission.QUEUES_WRITE)
    found = await hook_repo.existing_ids(principal.tenant, hook_ids)
    return sorted(set(hook_ids) - found)


async def delete_hooks(principal: Principal, hook_ids: Collection[int]) -> list[int]:
    """Remove all of the hooks or none; raises NotFound naming the missing ids."""
    principal.require(Permission.QUEUES_WRITE)
    wanted = sorted(set(hook_ids))
    if not wanted:
        raise InvalidInput("ids", "give at least one hook id")
    if len(wanted) > MAX_BULK_DELETE:
        raise InvalidInput("ids", f"at most {MAX_BULK_DELETE} hooks can be removed at once")
    async with in_transaction():
        # Lock order (app/services): the hooks' queues, then the hooks. Read again
        # under the locks: a hook removed while we waited is missing now.
        queue_ids = set(
            await queue_repo.lock(principal.tenant, await _queues_of(principal, wanted))
        )
        locked = await hook_repo.lock_in_id_order(wanted)
        found = {pk: hook.queue_id for pk, hook in locked.items() if hook.queue_id in queue_ids}
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFound("queue hook", missing)
        # Each removal carries the hook as it is now, read under the locks.
        by_queue = await _removals(principal, wanted)
        await hook_repo.delete_many(wanted)
        await change_repo.append_by_queue(principal.tenant, by_queue, changed_by=principal.user)
    changes_committed.send(set(by_queue))
    return wanted


async def _queues_of(principal: Principal, hook_ids: list[int]) -> set[int]:
    """The queues of the caller's hooks among `hook_ids`, read without a lock: a hook
    never moves to another queue, so this says which queues to lock."""
    return set((await hook_repo.queue_of(principal.tenant, hook_ids)).values())


def _check_flow_schema(flow_schema_id: int, flow_schema_type: FlowSchemaType | None) -> None:
    if flow_schema_type is None:
        raise NotFound("flow schema", [flow_schema_id])
    if flow_schema_type not in HOOK_FLOW_SCHEMA_TYPES:
        raise FlowSchemaNotAllowed(flow_schema_type, sorted(HOOK_FLOW_SCHEMA_TYPES))


async def _check_event_free(queue_id: int, event: QueueHookEvent, except_id: int | None) -> None:
    enabled = await hook_repo.enabled_for_event(queue_id, event, except_id)
    if enabled is not None:
        raise DuplicateEnabledEvent(event, enabled)


def _entry(kind: ChangeKind, hook: HookRow) -> ChangeEntry:
    return ChangeEntry(kind=kind, hook_id=hook.pk, hook=hook)


async def _log(principal: Principal, queue_id: int, entries: list[ChangeEntry]) -> None:
    await change_repo.append_by_queue(
        principal.tenant, {queue_id: entries}, changed_by=principal.user
    )


async def _reload(principal: Principal, hook_id: int) -> HookRow:
    hook = await hook_repo.get(principal.tenant, hook_id)
    if hook is None:  # removed by someone else right after our commit
        raise NotFound("queue hook", [hook_id])
    return hook


async def _removals(principal: Principal, hook_ids: list[int]) -> dict[int, list[ChangeEntry]]:
    """The removal entries of the hooks, by queue, in id order: each carries the hook as
    it is now, so call it in the deleting transaction, before the delete."""
    by_queue: dict[int, list[ChangeEntry]] = {}
    for hook in await hook_repo.get_many(principal.tenant, hook_ids):
        by_queue.setdefault(hook.queue_id, []).append(change_repo.removal(hook))
    return by_queue


@dataclass(frozen=True, slots=True)
class Switched:
    """The outcome of the atomic switch: the hook now enabled, and the one it replaced."""

    hook: HookRow
    disabled: HookRow | None


async def enable_replacing(
    principal: Principal, hook_id: int, expected_version: int | None
) -> Switched:
    """Enable the hook and, in the same transaction, disable the hook enabled for its
    event (if any); both changes are logged. Raises NotFound, VersionConflict, and
    DuplicateEnabledEvent only if a writer that skips the queue lock got in between."""
    principal.require(Permission.QUEUES_WRITE)
    found = await hook_repo.get(principal.tenant, hook_id)
    if found is None:
        raise NotFound("queue hook", [hook_id])
    queue_id = found.queue_id  # a hook never moves to another queue
    try:
        async with in_transaction():
            # The project's lock order: the queue row, then hook rows by ascending id.
            if await queue_repo.get_for_update(principal.tenant, queue_id) is None:
                raise NotFound("queue hook", [hook_id])
            # Read again under the queue lock: writers of the queue's hooks now wait.
            current = await hook_repo.get(principal.tenant, hook_id)
            if current is None:
                raise NotFound("queue hook", [hook_id])
            event = QueueHookEvent(current.event)
            other = await hook_repo.enabled_for_event(queue_id, event, except_id=hook_id)
            locked = await hook_repo.lock_in_id_order([hook_id, *([other] if other else [])])
            hook = locked.get(hook_id)
            if hook is None:
                raise NotFound("queue hook", [hook_id])
            if expected_version is not None and expected_version != hook.version:
                raise VersionConflict(hook_id, hook.version)
            if hook.enabled:
                return Switched(hook=await _reload(principal, hook_id), disabled=None)
            replaced = locked.get(other) if other else None
            if replaced is not None and not (replaced.enabled and replaced.event == hook.event):
                replaced = None  # changed before we locked it: nothing of ours to replace
            entries: list[ChangeEntry] = []
            disabled = None
            if replaced is not None:
                await _set_enabled(principal, replaced, enabled=False)
                disabled = await _reload(principal, replaced.pk)
                entries.append(_entry(ChangeKind.UPDATED, disabled))
            await _set_enabled(principal, hook, enabled=True)
            enabled = await _reload(principal, hook_id)
            entries.append(_entry(ChangeKind.UPDATED, enabled))
            await _log(principal, queue_id, entries)
    except IntegrityError:
        await _check_event_free(queue_id, event, except_id=hook_id)
        raise
    changes_committed.send({queue_id})
    return Switched(hook=enabled, disabled=disabled)


async def _set_enabled(principal: Principal, hook: HookRow, *, enabled: bool) -> None:
    """Set a locked hook's State at the version read under the lock."""
    changes = HookChanges({"enabled": enabled})
    if not await hook_repo.update_if_version(hook.pk, hook.version, changes, principal.user):
        # Only a writer that skips the row lock (SQLite has none) can get here.
        current = await hook_repo.get(principal.tenant, hook.pk)
        if current is None:
            raise NotFound("queue hook", [hook.pk])
        raise VersionConflict(hook.pk, current.version)
