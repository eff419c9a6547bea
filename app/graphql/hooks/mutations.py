from typing import Annotated, TypeVar

import strawberry

from app.core import errors as domain
from app.graphql.context import Info
from app.graphql.enums import QueueHookEvent
from app.graphql.errors import (
    DuplicateEnabledEventError,
    FlowSchemaNotAllowedError,
    InvalidInputError,
    NotFoundError,
    VersionConflictError,
    require_pk,
)
from app.graphql.hooks.types import QueueHook
from app.graphql.ids import SentIds
from app.graphql.results import result_of
from app.models import QueueHookEvent as DomainEvent
from app.services import hooks as hook_service
from app.services.hooks import UNSET, HookUpdate


@strawberry.input(description="A new hook.")
class CreateQueueHookInput:
    queue_id: strawberry.ID = strawberry.field(description="The queue to add the hook to.")
    event: QueueHookEvent = strawberry.field(description="The event that fires the hook.")
    flow_schema_id: strawberry.ID = strawberry.field(
        description="The flow schema to run: of your tenant, of type SERVICE or DEFAULT."
    )
    enabled: bool = strawberry.field(default=True, description="The State; enabled by default.")


@strawberry.input(description="A partial edit of a hook: only the fields you send change.")
class UpdateQueueHookInput:
    id: strawberry.ID = strawberry.field(description="The hook to change.")
    # Nullable in the schema only so that an explicit null gets a typed error
    # (InvalidInputError naming the field) rather than a coercion message.
    event: strawberry.Maybe[QueueHookEvent | None] = strawberry.field(
        description="A new event. Leave out to keep; null is refused."
    )
    flow_schema_id: strawberry.Maybe[strawberry.ID | None] = strawberry.field(
        description="A new flow schema: of your tenant, of type SERVICE or DEFAULT. "
        "Leave out to keep; null is refused."
    )
    enabled: strawberry.Maybe[bool | None] = strawberry.field(
        description="A new State. Leave out to keep; null is refused."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description="The version your edit is based on; if the hook has moved on, nothing "
        "changes and you get a VersionConflictError.",
    )


@strawberry.type(description="The hook was created.")
class CreateQueueHookSuccess:
    hook: QueueHook = strawberry.field(description="The new hook.")


@strawberry.type(description="The hook was changed (or already was as asked).")
class UpdateQueueHookSuccess:
    hook: QueueHook = strawberry.field(description="The hook as it is now.")


@strawberry.type(description="The hook's State is as asked.")
class SetQueueHookEnabledSuccess:
    hook: QueueHook = strawberry.field(description="The hook as it is now.")
    disabled_hook: QueueHook | None = strawberry.field(
        default=None,
        description="The hook that was disabled to make room (`replaceEnabled`), as it is "
        "now; else null.",
    )


@strawberry.type(description="All of the hooks were removed.")
class DeleteQueueHooksSuccess:
    deleted_ids: list[strawberry.ID] = strawberry.field(description="The ids removed.")


CreateQueueHookResult = Annotated[
    CreateQueueHookSuccess
    | InvalidInputError
    | NotFoundError
    | FlowSchemaNotAllowedError
    | DuplicateEnabledEventError,
    strawberry.union("CreateQueueHookResult", description="The outcome of createQueueHook."),
]
UpdateQueueHookResult = Annotated[
    UpdateQueueHookSuccess
    | InvalidInputError
    | NotFoundError
    | FlowSchemaNotAllowedError
    | DuplicateEnabledEventError
    | VersionConflictError,
    strawberry.union("UpdateQueueHookResult", description="The outcome of updateQueueHook."),
]
SetQueueHookEnabledResult = Annotated[
    SetQueueHookEnabledSuccess
    | InvalidInputError
    | NotFoundError
    | DuplicateEnabledEventError
    | VersionConflictError,
    strawberry.union(
        "SetQueueHookEnabledResult", description="The outcome of setQueueHookEnabled."
    ),
]
DeleteQueueHooksResult = Annotated[
    DeleteQueueHooksSuccess | InvalidInputError | NotFoundError,
    strawberry.union("DeleteQueueHooksResult", description="The outcome of deleteQueueHooks."),
]


T = TypeVar("T")


def _given(value: strawberry.Maybe[T | None], field: str) -> T | None:
    """The value sent, None if the field was left out; raises InvalidInput on null."""
    if value is None:
        return None
    if value.value is None:
        raise domain.InvalidInput(field, f"{field} cannot be null; leave it out to keep it")
    return value.value


@strawberry.type
class HookMutations:
    @strawberry.mutation(description="Add a hook to a queue. Needs `queues:write`.")
    async def create_queue_hook(
        self,
        info: Info,
        input: Annotated[CreateQueueHookInput, strawberry.argument(description="The new hook.")],
    ) -> CreateQueueHookResult | None:
        async def create(sent: SentIds) -> CreateQueueHookSuccess:
            row = await hook_service.create_hook(
                info.context.principal,
                queue_id=require_pk(sent, input.queue_id, "Queue", "queueId"),
                event=DomainEvent[input.event.name],
                flow_schema_id=require_pk(sent, input.flow_schema_id, "FlowSchema", "flowSchemaId"),
                enabled=input.enabled,
            )
            return CreateQueueHookSuccess(hook=QueueHook.from_model(row))

        return await result_of(CreateQueueHookResult, create)

    @strawberry.mutation(
        description="Change a hook's event, flow schema or State; fields not sent keep their "
        "value. Needs `queues:write`."
    )
    async def update_queue_hook(
        self,
        info: Info,
        input: Annotated[
            UpdateQueueHookInput,
            strawberry.argument(description="The hook and the fields to change."),
        ],
    ) -> UpdateQueueHookResult | None:
        async def update(sent: SentIds) -> UpdateQueueHookSuccess:
            event = _given(input.event, "event")
            flow_schema_id = _given(input.flow_schema_id, "flowSchemaId")
            enabled = _given(input.enabled, "enabled")
            update = HookUpdate(
                event=UNSET if event is None else DomainEvent[event.name],
                flow_schema_id=UNSET
                if flow_schema_id is None
                else require_pk(sent, flow_schema_id, "FlowSchema", "flowSchemaId"),
                enabled=UNSET if enabled is None else enabled,
                expected_version=input.expected_version,
            )
            row = await hook_service.update_hook(
                info.context.principal, require_pk(sent, input.id, "QueueHook", "id"), update
            )
            return UpdateQueueHookSuccess(hook=QueueHook.from_model(row))

        return await result_of(UpdateQueueHookResult, update)

    @strawberry.mutation(
        description="The State switch: enable or disable a hook. Needs `queues:write`."
    )
    async def set_queue_hook_enabled(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The hook.")],
        enabled: Annotated[bool, strawberry.argument(description="The new State.")],
        expected_version: Annotated[
            int | None,
            strawberry.argument(
                description="Refuse the change if the hook is no longer at this version."
            ),
        ] = None,
        replace_enabled: Annotated[
            bool | None,
            strawberry.argument(
                description="When enabling and another hook is enabled for the same event: "
                "disable that one in the same transaction (both changes logged) instead of "
                "answering DuplicateEnabledEventError. Ignored when disabling; null is false."
            ),
        ] = False,
    ) -> SetQueueHookEnabledResult | None:
        async def switch(sent: SentIds) -> SetQueueHookEnabledSuccess:
            principal = info.context.principal
            pk = require_pk(sent, id, "QueueHook", "id")
            if enabled and replace_enabled:
                switched = await hook_service.enable_replacing(principal, pk, expected_version)
                return SetQueueHookEnabledSuccess(
                    hook=QueueHook.from_model(switched.hook),
                    disabled_hook=QueueHook.from_model(switched.disabled)
                    if switched.disabled
                    else None,
                )
            row = await hook_service.update_hook(
                principal, pk, HookUpdate(enabled=enabled, expected_version=expected_version)
            )
            return SetQueueHookEnabledSuccess(hook=QueueHook.from_model(row))

        return await result_of(SetQueueHookEnabledResult, switch)

    @strawberry.mutation(
        description="Bulk remove: all of the hooks are removed in one transaction, or none are "
        "and the error names the ids not found. Each id may be given once. Needs `queues:write`."
    )
    async def delete_queue_hooks(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="The hooks to remove.")
        ],
    ) -> DeleteQueueHooksResult | None:
        async def delete(sent: SentIds) -> DeleteQueueHooksSuccess:
            principal = info.context.principal
            hooks = _distinct_hooks(ids, sent)
            pks = [pk for pk in hooks.values() if pk is not None]
            if None in hooks.values():  # ids of other types name no hook
                missing = set(await hook_service.missing_hooks(principal, pks))
                names = [i for i, pk in hooks.items() if pk is None or pk in missing]
                raise domain.NotFound("queue hook", names=names)
            deleted = await hook_service.delete_hooks(principal, pks)
            return DeleteQueueHooksSuccess(
                deleted_ids=[strawberry.ID(sent.name("QueueHook", pk)) for pk in deleted]
            )

        return await result_of(DeleteQueueHooksResult, delete)


def _distinct_hooks(ids: list[strawberry.ID], sent: SentIds) -> dict[str, int | None]:
    """Each id sent with the hook's pk (None for an id of another type), in the order
    sent; raises InvalidInput naming the ids given more than once: the count of hooks
    removed would no longer match the selection."""
    hooks: dict[str, int | None] = {}
    by_key: dict[object, str] = {}
    repeated: dict[str, None] = {}
    for global_id in ids:
        pk = sent.pk(global_id, "QueueHook", "ids")
        key = global_id if pk is None else pk  # two spellings of one hook are a repeat
        if key in by_key:
            repeated[by_key[key]] = None
            continue
        by_key[key] = global_id
        hooks[global_id] = pk
    if repeated:
        raise domain.InvalidInput(
            "ids", f"each id may be given once; repeated: {', '.join(repeated)}"
        )
    return hooks
