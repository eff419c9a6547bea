from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from app.core.errors import NotFound
from app.graphql.context import Info
from app.graphql.hooks.types import QueueHook
from app.graphql.ids import pk_of, to_global_id
from app.graphql.relay import Connection
from app.services import replay
from app.services.change_feed import Change, ResyncRequired


@strawberry.enum(description="What happened to a hook.")
class QueueHookChangeKind(Enum):
    CREATED = strawberry.enum_value("created", description="The hook was added.")
    UPDATED = strawberry.enum_value(
        "updated", description="The hook's event, flow schema or State changed."
    )
    DELETED = strawberry.enum_value("deleted", description="The hook was removed.")


@strawberry.type(description="One committed change to a queue's hooks.")
class QueueHookChange:
    revision: int = strawberry.field(
        description="The queue's revision after this change; grows by one per change. "
        "Resubscribe with `afterRevision` set to the last one you saw to miss nothing."
    )
    kind: QueueHookChangeKind = strawberry.field(description="What happened.")
    hook_id: strawberry.ID = strawberry.field(description="The hook that changed.")
    hook: QueueHook | None = strawberry.field(
        description="The hook as it was right after the change; for DELETED, as it was just "
        "before its removal. Null only for removals logged before the server recorded them."
    )
    changed_by: str = strawberry.field(
        description="The user who made the change (empty for changes logged before the "
        "server recorded it)."
    )
    changed_at: datetime = strawberry.field(
        description="When the change was made, in the transaction that committed it."
    )

    @classmethod
    def from_change(cls, change: Change) -> "QueueHookChange":
        return cls(
            revision=change.revision,
            kind=QueueHookChangeKind(change.kind.value),
            hook_id=strawberry.ID(to_global_id("QueueHook", change.hook_id or 0)),
            hook=QueueHook.from_model(change.hook) if change.hook else None,
            changed_by=change.changed_by,
            changed_at=change.changed_at,
        )


@strawberry.type(
    description="Your copy of the list can no longer be brought up to date by changes: the "
    "revision you asked for is older than the retained history, or you fell too far behind. "
    "Refetch the list, then subscribe again with `afterRevision: currentRevision`."
)
class QueueHooksResyncRequired:
    current_revision: int = strawberry.field(description="The queue's revision now.")
    reason: str = strawberry.field(description="Why, for people.")


QueueHookChangeConnection = Connection[QueueHookChange]


QueueHooksChangedEvent = Annotated[
    QueueHookChange | QueueHooksResyncRequired,
    strawberry.union(
        "QueueHooksChangedEvent", description="A change, or a request to refetch and resubscribe."
    ),
]


def to_event(item: Change | ResyncRequired) -> QueueHookChange | QueueHooksResyncRequired:
    if isinstance(item, ResyncRequired):
        return QueueHooksResyncRequired(current_revision=item.current_revision, reason=item.reason)
    return QueueHookChange.from_change(item)


@strawberry.type
class HookSubscriptions:
    @strawberry.subscription(
        description="Each committed change to a queue's hooks, as it commits, on any replica. "
        "With `afterRevision`, first every change after it, then live, with no gap or "
        "duplicate. Completes after the queue is deleted. Needs `queues:read`."
    )
    async def queue_hooks_changed(
        self,
        info: Info,
        queue_id: Annotated[strawberry.ID, strawberry.argument(description="The queue's id.")],
        after_revision: Annotated[
            int | None,
            strawberry.argument(
                description="Replay the changes after this revision first (e.g. the last one "
                "you saw before a reconnect, or `Queue.revision` when you fetched the list)."
            ),
        ] = None,
    ) -> AsyncGenerator[QueueHooksChangedEvent, None]:
        # Every server transport serves this field from app/web/fanout.py, which
        # executes the selection once per change with the change as the root value.
        # Reaching this body means a new transport skipped the fan-out: refuse the
        # subscriber as it would be refused there, else fail loudly.
        queue_pk = pk_of(queue_id, "Queue", "queueId") or 0  # 0: no queue's key
        try:
            await replay.check_may_watch(info.context.principal, queue_pk, after_revision)
        except NotFound as error:  # named by the id sent, not by the key
            raise NotFound(error.entity, names=[queue_id]) from None
        raise RuntimeError("queueHooksChanged is served by the fan-out (app/web/fanout.py)")
        yield  # an async generator, as Strawberry requires of a subscription
