from datetime import datetime
from typing import Annotated

import strawberry

from app.core.identity import Principal
from app.core.pagination import SortValue, page_request
from app.graphql.context import Info
from app.graphql.enums import QueueHookEvent, SortDirection
from app.graphql.hooks.types import (
    QUEUE_HOOKS,
    HookFilterArgument,
    HookOrderArgument,
    QueueHook,
    QueueHookConnection,
    QueueHookEventInfo,
    QueueHookFilter,
    QueueHookOrder,
)
from app.graphql.ids import pk_of
from app.graphql.relay import After, Before, First, Last, connection_of
from app.models import QueueHookEvent as DomainEvent
from app.models.enums import QUEUE_HOOK_EVENT_WORDING
from app.services import hooks as hook_service
from app.services.hooks import HookFilter, HookRow, HookSort
from app.services.paging import Page

# What each order's cursor carries: the sorted column's values.
SORT_VALUE_TYPES: dict[HookSort, type[SortValue]] = {
    HookSort.EVENT: DomainEvent,
    HookSort.FLOW_SCHEMA_NAME: str,
    HookSort.ENABLED: bool,
    HookSort.CREATED_AT: datetime,
}


def _hook_filter(given: QueueHookFilter | None) -> HookFilter:
    if given is None:
        return HookFilter()
    flow_schema_ids = None
    if given.flow_schema_ids is not None:
        # An id of another type can match no hook, so it is simply dropped.
        pks = (pk_of(i, "FlowSchema", "filter.flowSchemaIds") for i in given.flow_schema_ids)
        flow_schema_ids = [pk for pk in pks if pk is not None]
    return HookFilter(
        events=[DomainEvent[e.name] for e in given.events] if given.events is not None else None,
        enabled=given.enabled,
        flow_schema_ids=flow_schema_ids,
    )


async def hook_page(
    principal: Principal,
    queue_pk: int,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    filter: QueueHookFilter | None,
    order_by: QueueHookOrder | None,
) -> Page[HookRow] | None:
    """The page `queueHooks` and `Queue.hooks` show, checked as they check it (raises
    InvalidInput, PermissionDenied); None when the queue is not the caller's. Also what
    app/web/page_plans.py answers from without running GraphQL."""
    order = order_by or QueueHookOrder()
    sort = order.field.to_domain()
    descending = order.direction is SortDirection.DESC
    page = page_request(
        first=first,
        after=after,
        last=last,
        before=before,
        sort=hook_service.sort_key(sort, descending),
        value_type=SORT_VALUE_TYPES[sort],
    )
    return await hook_service.list_hooks(
        principal, queue_pk, _hook_filter(filter), sort, descending, page
    )


@strawberry.type
class HookQueries:
    @strawberry.field(
        description="The eight queue events with labels and descriptions, in dropdown order "
        "(works with introspection off). Any authenticated caller."
    )
    def queue_hook_events(self, info: Info) -> list[QueueHookEventInfo]:
        info.context.principal  # noqa: B018 - raises NotAuthenticated without an identity
        return [
            QueueHookEventInfo(
                value=QueueHookEvent[event.name],
                label=wording.label,
                description=wording.description,
            )
            for event, wording in QUEUE_HOOK_EVENT_WORDING.items()
        ]

    @strawberry.field(
        description="A page of a queue's hooks, sorted by event unless `orderBy` says otherwise. "
        "Null if the queue does not exist for your tenant. Needs `queues:read`."
    )
    async def queue_hooks(
        self,
        info: Info,
        queue_id: Annotated[strawberry.ID, strawberry.argument(description="The queue's id.")],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: HookFilterArgument = None,
        order_by: HookOrderArgument = None,
    ) -> QueueHookConnection | None:
        queue_pk = pk_of(queue_id, "Queue", "queueId")
        if queue_pk is None:
            return None
        found = await hook_page(
            info.context.principal,
            queue_pk,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
        )
        return None if found is None else connection_of(found, QueueHook.from_model)

    @strawberry.field(
        description="One hook, or null if it does not exist for your tenant. Needs `queues:read`."
    )
    async def queue_hook(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The hook's id.")],
    ) -> QueueHook | None:
        return await QUEUE_HOOKS.by_id(info, id)
