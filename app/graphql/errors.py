"""Typed mutation errors: members of result unions, sharing the Error interface."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from app.core import errors as domain
from app.graphql.context import Info
from app.graphql.enums import ErrorCode, FlowSchemaType, QueueHookEvent
from app.graphql.ids import SentIds, to_global_id

if TYPE_CHECKING:
    from app.graphql.hooks.types import QueueHook


# The GraphQL type named by each domain entity, to turn its pks into global ids.
TYPE_NAMES = {"queue": "Queue", "flow schema": "FlowSchema", "queue hook": "QueueHook"}


def require_pk(sent: SentIds, global_id: str, type_name: str, field: str) -> int:
    """The pk of an id given as mutation input, remembered in `sent`.

    Raises InvalidInput for malformed text and NotFound for an id of another type.
    """
    pk = sent.pk(global_id, type_name, field)
    if pk is None:
        entity = next(e for e, t in TYPE_NAMES.items() if t == type_name)
        raise domain.NotFound(entity, names=[global_id])
    return pk


def named(error: domain.NotFound, sent: SentIds) -> domain.NotFound:
    """The error again, naming its objects by the ids the client sent."""
    type_name = TYPE_NAMES[error.entity]
    names = [sent.name(type_name, pk) for pk in error.ids] + error.names
    return domain.NotFound(error.entity, error.ids, names=names)


@strawberry.interface(description="An expected reason why a mutation did not succeed.")
class Error:
    message: str = strawberry.field(description="What went wrong, for people.")
    code: ErrorCode = strawberry.field(description="What went wrong, for programs.")


@strawberry.type(description="One or more ids do not exist for your tenant. Nothing changed.")
class NotFoundError(Error):
    ids: list[strawberry.ID] = strawberry.field(description="The ids that were not found.")

    @classmethod
    def from_domain(cls, error: domain.NotFound, sent: SentIds) -> "NotFoundError":
        error = named(error, sent)
        return cls(
            message=error.message,
            code=ErrorCode.NOT_FOUND,
            ids=[strawberry.ID(name) for name in error.names],
        )


@strawberry.type(description="An input field's value breaks a rule. Nothing changed.")
class InvalidInputError(Error):
    field: str = strawberry.field(description="The input field at fault, e.g. `name`.")

    @classmethod
    def from_domain(cls, error: domain.InvalidInput) -> "InvalidInputError":
        return cls(message=error.message, code=ErrorCode.INVALID_INPUT, field=error.field)


@strawberry.type(
    description="The queue already has an enabled hook for this event; at most one may be "
    "enabled per event. Disable that hook first, or save this one disabled. Nothing changed."
)
class DuplicateEnabledEventError(Error):
    event: QueueHookEvent = strawberry.field(description="The event already taken.")
    enabled_hook_id: strawberry.ID = strawberry.field(
        description="The id of the hook already enabled for this event."
    )

    @strawberry.field(description="The hook already enabled for this event.")
    async def enabled_hook(
        self, info: Info
    ) -> Annotated["QueueHook", strawberry.lazy("app.graphql.hooks.types")] | None:
        from app.graphql.hooks.types import QUEUE_HOOKS  # a cycle: hooks import errors

        return await QUEUE_HOOKS.by_pk(info, self._pk)

    _pk: strawberry.Private[int]

    @classmethod
    def from_domain(cls, error: domain.DuplicateEnabledEvent) -> "DuplicateEnabledEventError":
        return cls(
            message=error.message,
            code=ErrorCode.DUPLICATE_ENABLED_EVENT,
            event=QueueHookEvent(error.event),
            enabled_hook_id=strawberry.ID(to_global_id("QueueHook", error.enabled_hook_id)),
            _pk=error.enabled_hook_id,
        )


@strawberry.type(
    description="The hook changed since the version you based your change on. Reload it and "
    "apply your change again. Nothing changed."
)
class VersionConflictError(Error):
    current_version: int = strawberry.field(description="The hook's version now.")

    @classmethod
    def from_domain(cls, error: domain.VersionConflict) -> "VersionConflictError":
        return cls(
            message=error.message,
            code=ErrorCode.VERSION_CONFLICT,
            current_version=error.current_version,
        )


@strawberry.type(description="Hooks still run this flow schema. Nothing changed.")
class FlowSchemaInUseError(Error):
    hook_count: int = strawberry.field(description="How many hooks use the flow schema.")

    @classmethod
    def from_domain(cls, error: domain.FlowSchemaInUse) -> "FlowSchemaInUseError":
        return cls(
            message=error.message, code=ErrorCode.FLOW_SCHEMA_IN_USE, hook_count=error.hook_count
        )


@strawberry.type(
    description="The flow schema's type cannot run as a queue hook (only SERVICE and DEFAULT "
    "can). Nothing changed."
)
class FlowSchemaNotAllowedError(Error):
    schema_type: FlowSchemaType = strawberry.field(description="The flow schema's type.")
    allowed_types: list[FlowSchemaType] = strawberry.field(
        description="The types a hook's flow schema may have."
    )

    @classmethod
    def from_domain(cls, error: domain.FlowSchemaNotAllowed) -> "FlowSchemaNotAllowedError":
        return cls(
            message=error.message,
            code=ErrorCode.FLOW_SCHEMA_NOT_ALLOWED,
            schema_type=FlowSchemaType[error.flow_schema_type.name],
            allowed_types=[FlowSchemaType[t.name] for t in error.allowed],
        )
