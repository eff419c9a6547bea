from collections.abc import Collection

from tortoise.transactions import in_transaction

from app.core.errors import FlowSchemaInUse, NotFound
from app.core.identity import Permission, Principal
from app.core.pagination import PageRequest
from app.core.signals import changes_committed
from app.models import ChangeKind, FlowSchema, FlowSchemaType
from app.models.enums import HOOK_FLOW_SCHEMA_TYPES
from app.repositories import changes as change_repo
from app.repositories import flow_schemas as flow_schema_repo
from app.repositories import hooks as hook_repo
from app.repositories import queues as queue_repo
from app.repositories.changes import ChangeEntry
from app.repositories.rows import FlowSchemaRow
from app.services.paging import Page, page_of
from app.services.validation import clean_name, clean_search

__all__ = ["FlowSchemaRow"]

FLOW_SCHEMA_SORT = "created_at"
DROPDOWN_TYPES = HOOK_FLOW_SCHEMA_TYPES


async def get_flow_schema(principal: Principal, flow_schema_id: int) -> FlowSchema | None:
    principal.require(Permission.FLOWS_READ)
    return await flow_schema_repo.get(principal.tenant, flow_schema_id)


async def search_flow_schemas(
    principal: Principal,
    search: str | None,
    types: Collection[FlowSchemaType] | None,
    page: PageRequest,
) -> Page[FlowSchema]:
    """The dropdown: a case-insensitive name prefix, hook-capable types by default, newest first."""
    principal.require(Permission.FLOWS_READ)
    prefix = clean_search(search)
    wanted = frozenset(types) if types is not None else DROPDOWN_TYPES
    window = await flow_schema_repo.search(principal.tenant, prefix, wanted, page)

    async def total() -> int:
        return await flow_schema_repo.count(principal.tenant, prefix, wanted)

    return page_of(window, total, FLOW_SCHEMA_SORT, flow_schema_repo.NEWEST_FIRST)


async def create_flow_schema(
    principal: Principal, name: str, flow_schema_type: FlowSchemaType
) -> FlowSchema:
    """Raises InvalidInput."""
    principal.require(Permission.FLOWS_WRITE)
    return await flow_schema_repo.create(
        principal.tenant, clean_name("name", name), flow_schema_type
    )


async def rename_flow_schema(principal: Principal, flow_schema_id: int, name: str) -> FlowSchema:
    """Raises NotFound, InvalidInput."""
    principal.require(Permission.FLOWS_WRITE)
    new_name = clean_name("name", name)
    tenant = principal.tenant
    async with in_transaction():
        # Lock order (app/services): the schema, then the queues of its hooks. While
        # we hold the schema no hook can start using it; some may go meanwhile.
        schema = await flow_schema_repo.get_for_update(tenant, flow_schema_id)
        if schema is None:
            raise NotFound("flow schema", [flow_schema_id])
        renamed = await flow_schema_repo.rename(schema, new_name)
        queue_ids = await queue_repo.lock(
            tenant, await hook_repo.queues_using_flow_schema(flow_schema_id)
        )
        # Hooks show their schema's name: log an update of each, so that live
        # lists and cached pages of their queues move on too.
        by_queue: dict[int, list[ChangeEntry]] = {}
        for hook in await hook_repo.using_flow_schema(flow_schema_id, queue_ids):
            entry = ChangeEntry(ChangeKind.UPDATED, hook.pk, hook)
            by_queue.setdefault(hook.queue_id, []).append(entry)
        await change_repo.append_by_queue(tenant, by_queue, changed_by=principal.user)
    if by_queue:
        changes_committed.send(set(by_queue))
    return renamed


async def delete_flow_schema(principal: Principal, flow_schema_id: int) -> None:
    """Raises NotFound, FlowSchemaInUse (with the number of hooks that use it)."""
    principal.require(Permission.FLOWS_WRITE)
    async with in_transaction():
        # Locked first (app/services): no hook can start using it before we are done.
        schema = await flow_schema_repo.get_for_update(principal.tenant, flow_schema_id)
        if schema is None:
            raise NotFound("flow schema", [flow_schema_id])
        in_use = await flow_schema_repo.hooks_using(flow_schema_id)
        if in_use:
            raise FlowSchemaInUse(in_use)
        await flow_schema_repo.delete(schema)
