from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.graphql.context import Info
from app.graphql.enums import QueueHookEvent, SortDirection
from app.graphql.flow_schemas.types import FlowSchema
from app.graphql.ids import to_global_id
from app.graphql.relay import Connection, Node, NodeLookup, RowFields
from app.services import hooks as hook_service
from app.services.hooks import HookRow, HookSort

if TYPE_CHECKING:
    from app.graphql.queues.types import Queue


@strawberry.type(description="A hook: when `event` happens in `queue`, run `flowSchema`.")
class QueueHook(Node):
    event: QueueHookEvent = strawberry.field(description="The queue event that fires the hook.")
    flow_schema: FlowSchema = strawberry.field(description="The flow schema the hook runs.")
    enabled: bool = strawberry.field(
        description="The State switch: only enabled hooks fire. At most one enabled hook per "
        "queue and event."
    )
    version: int = strawberry.field(
        description="Starts at 1 and grows by one on each change; send it back as "
        "`expectedVersion` to refuse your change if someone else changed the hook meanwhile."
    )
    created_at: datetime = strawberry.field(description="When the hook was created.")
    created_by: str = strawberry.field(description="The user who created the hook.")
    updated_at: datetime = strawberry.field(description="When the hook last changed.")
    updated_by: str = strawberry.field(description="The user who last changed the hook.")
    _queue_pk: strawberry.Private[int]

    @strawberry.field(description="The queue the hook belongs to.")
    async def queue(
        self, info: Info
    ) -> Annotated["Queue", strawberry.lazy("app.graphql.queues.types")]:
        from app.graphql.queues.types import Queue  # a cycle: queues list their hooks

        row = await info.context.loaders.queue_by_id.load(self._queue_pk)
        if row is None:  # the hook was readable, so its queue is the caller's
            raise LookupError(f"queue {self._queue_pk} of a visible hook is missing")
        return Queue.from_model(row)

    @classmethod
    def from_model(cls, row: HookRow) -> "QueueHook":
        values = {name: read(row) for name, read in QUEUE_HOOK_FIELDS.items()}
        values["flow_schema"] = FlowSchema.from_model(values["flow_schema"])
        return cls(**values, _queue_pk=row.queue_id)


# Each field read from the row (by its Python name): what from_model builds the type
# with, and what a page plan (app/web/page_plans.py) writes a page with, straight from
# the rows, building no objects. `flow_schema` gives the flow schema's row, read in turn
# by FlowSchema's fields.
# The GraphQL member for each stored value (a dict lookup: calling the enum costs more).
_EVENTS = {event.value: event for event in QueueHookEvent}
QUEUE_HOOK_FIELDS: RowFields = {
    "id": lambda row: strawberry.ID(to_global_id("QueueHook", row.pk)),
    "event": lambda row: _EVENTS[row.event.value],
    "flow_schema": attrgetter("flow_schema"),
    "enabled": attrgetter("enabled"),
    "version": attrgetter("version"),
    "created_at": attrgetter("created_at"),
    "created_by": attrgetter("created_by"),
    "updated_at": attrgetter("updated_at"),
    "updated_by": attrgetter("updated_by"),
}
QueueHook.row_fields = QUEUE_HOOK_FIELDS


QueueHookConnection = Connection[QueueHook]
QUEUE_HOOKS = NodeLookup("QueueHook", hook_service.get_hook, QueueHook.from_model)


@strawberry.type(description="A queue event as a screen shows it, e.g. in the Event dropdown.")
class QueueHookEventInfo:
    value: QueueHookEvent = strawberry.field(description="The event, as mutations take it.")
    label: str = strawberry.field(description="A short name for people, e.g. `Joined`.")
    description: str = strawberry.field(description="What the event means, in a sentence.")


@strawberry.enum(description="What to sort hooks by; the hook's id always breaks ties.")
class QueueHookOrderField(Enum):
    EVENT = strawberry.enum_value("event", description="The event's name, alphabetically.")
    FLOW_SCHEMA_NAME = strawberry.enum_value(
        "flow_schema_name", description="The flow schema's name."
    )
    ENABLED = strawberry.enum_value("enabled", description="The State: disabled first when ASC.")
    CREATED_AT = strawberry.enum_value("created_at", description="Creation time.")

    def to_domain(self) -> HookSort:
        return HookSort[self.name]


@strawberry.input(description="How to sort hooks.")
class QueueHookOrder:
    field: QueueHookOrderField = strawberry.field(
        default=QueueHookOrderField.EVENT, description="What to sort by."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Which way to sort."
    )


@strawberry.input(description="Narrows the hooks listed; all given conditions must hold.")
class QueueHookFilter:
    events: list[QueueHookEvent] | None = strawberry.field(
        default=None, description="Only hooks for one of these events."
    )
    enabled: bool | None = strawberry.field(
        default=None, description="Only enabled (true) or only disabled (false) hooks."
    )
    flow_schema_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only hooks running one of these flow schemas."
    )


# The arguments of a page of hooks beside the Relay ones, as `queueHooks` and
# `Queue.hooks` (one list, reached two ways) both take them.
HookFilterArgument = Annotated[
    QueueHookFilter | None, strawberry.argument(description="Only the hooks that match.")
]
HookOrderArgument = Annotated[
    QueueHookOrder | None,
    strawberry.argument(description="The sort order; event ascending by default."),
]
