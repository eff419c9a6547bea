from datetime import datetime
from typing import Annotated

import strawberry

from app.core.pagination import DEFAULT_PAGE_SIZE, page_request
from app.graphql.context import Info
from app.graphql.enums import QueueType
from app.graphql.hooks.queries import hook_page
from app.graphql.hooks.subscriptions import QueueHookChange, QueueHookChangeConnection
from app.graphql.hooks.types import (
    HookFilterArgument,
    HookOrderArgument,
    QueueHook,
    QueueHookConnection,
)
from app.graphql.ids import to_global_id
from app.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    NodeLookup,
    connection_of,
)
from app.models import Queue as QueueModel
from app.services import change_log
from app.services import queues as queue_service
from app.services.change_feed import Change


@strawberry.type(description="A queue of calls or chats; its hooks run flows on its events.")
class Queue(Node):
    name: str = strawberry.field(description="The queue's display name.")
    type: QueueType = strawberry.field(description="The queue's kind.")
    revision: int = strawberry.field(
        description="The revision of the queue's newest hook change. To keep a list live, "
        "subscribe to `queueHooksChanged` with `afterRevision` set to the revision you read "
        "before the list, and apply changes idempotently (by hook id and version)."
    )
    created_at: datetime = strawberry.field(description="When the queue was created.")
    updated_at: datetime = strawberry.field(description="When the queue last changed.")
    _pk: strawberry.Private[int]

    @strawberry.field(description="A page of this queue's hooks; the same as `Query.queueHooks`.")
    async def hooks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: HookFilterArgument = None,
        order_by: HookOrderArgument = None,
    ) -> QueueHookConnection:
        found = await hook_page(
            info.context.principal,
            self._pk,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
        )
        if found is None:  # deleted between loading the queue and listing its hooks
            raise LookupError(f"queue {self._pk} disappeared")
        return connection_of(found, QueueHook.from_model)

    @strawberry.field(
        description="The queue's recent hook changes, newest first, from the retained change "
        "log: who changed which hook, how and when. Needs `queues:read`."
    )
    async def changes(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: Annotated[
            str | None, strawberry.argument(description="Start after this cursor (older changes).")
        ] = None,
    ) -> QueueHookChangeConnection:
        page = page_request(
            first=first,
            after=after,
            last=None,
            before=None,
            sort=change_log.CHANGE_LOG_SORT,
            value_type=int,
        )
        found = await change_log.recent_changes(info.context.principal, self._pk, page)
        return connection_of(found, lambda row: QueueHookChange.from_change(Change.from_row(row)))

    @classmethod
    def from_model(cls, row: QueueModel) -> "Queue":
        return cls(
            id=strawberry.ID(to_global_id("Queue", row.pk)),
            name=row.name,
            type=QueueType(row.type),
            revision=row.revision,
            created_at=row.created_at,
            updated_at=row.updated_at,
            _pk=row.pk,
        )


QueueConnection = Connection[Queue]
QUEUES = NodeLookup("Queue", queue_service.get_queue, Queue.from_model)
