"""GraphQL enums, each value documented; values equal the domain enums' values."""

from enum import Enum

import strawberry

from app.core.errors import ErrorCode as DomainErrorCode


@strawberry.enum(description="A queue event that can trigger a hook.")
class QueueHookEvent(Enum):
    JOINED = strawberry.enum_value("joined", description="A member (call, chat) joined the queue.")
    ANSWERED = strawberry.enum_value("answered", description="An agent answered the member.")
    OFFERING = strawberry.enum_value(
        "offering", description="The member is being offered to an agent, before the answer."
    )
    BRIDGED = strawberry.enum_value(
        "bridged", description="The member was bridged (connected) to the agent."
    )
    MISSED = strawberry.enum_value(
        "missed", description="An offer to an agent was not answered (the agent missed it)."
    )
    LEAVING = strawberry.enum_value(
        "leaving", description="The member is leaving the queue, whatever the outcome."
    )
    PROCESSING = strawberry.enum_value(
        "processing", description="The agent started post-call processing (wrap-up) of the member."
    )
    ACTIVE = strawberry.enum_value(
        "active", description="The member became active for the agent (the conversation started)."
    )


@strawberry.enum(
    description="The kind of a flow schema; only SERVICE and DEFAULT can run as hooks."
)
class FlowSchemaType(Enum):
    DEFAULT = strawberry.enum_value("default", description="A general-purpose schema.")
    SERVICE = strawberry.enum_value(
        "service", description="A service schema, run in the background, e.g. by hooks."
    )
    VOICE = strawberry.enum_value("voice", description="A voice call routing schema.")
    CHAT = strawberry.enum_value("chat", description="A chat routing schema.")
    PROCESSING = strawberry.enum_value(
        "processing", description="A post-processing (wrap-up form) schema."
    )
    FORM = strawberry.enum_value("form", description="A form schema shown to agents.")


@strawberry.enum(description="The kind of a queue.")
class QueueType(Enum):
    OFFLINE = strawberry.enum_value("offline", description="Offline queue: callbacks later.")
    INBOUND = strawberry.enum_value("inbound", description="Inbound calls queue.")
    OUTBOUND_IVR = strawberry.enum_value(
        "outbound_ivr", description="Outbound IVR: dials members and plays a flow, no agent."
    )
    PREVIEW_DIALER = strawberry.enum_value(
        "preview_dialer", description="Preview dialer: the agent sees the member before dialling."
    )
    PROGRESSIVE_DIALER = strawberry.enum_value(
        "progressive_dialer", description="Progressive dialer: dials when an agent is free."
    )
    PREDICTIVE_DIALER = strawberry.enum_value(
        "predictive_dialer", description="Predictive dialer: dials ahead of free agents."
    )
    CHAT = strawberry.enum_value("chat", description="Inbound chat queue.")
    TASK = strawberry.enum_value("task", description="Task (non-call work item) queue.")


@strawberry.enum(description="Why a mutation did not succeed.")
class ErrorCode(Enum):
    NOT_FOUND = strawberry.enum_value(
        DomainErrorCode.NOT_FOUND.value, description="An id does not exist for your tenant."
    )
    INVALID_INPUT = strawberry.enum_value(
        DomainErrorCode.INVALID_INPUT.value, description="A field's value breaks a rule."
    )
    DUPLICATE_ENABLED_EVENT = strawberry.enum_value(
        DomainErrorCode.DUPLICATE_ENABLED_EVENT.value,
        description="The queue already has an enabled hook for this event.",
    )
    VERSION_CONFLICT = strawberry.enum_value(
        DomainErrorCode.VERSION_CONFLICT.value,
        description="The hook changed since the version you sent.",
    )
    FLOW_SCHEMA_IN_USE = strawberry.enum_value(
        DomainErrorCode.FLOW_SCHEMA_IN_USE.value,
        description="Hooks still use the flow schema.",
    )
    FLOW_SCHEMA_NOT_ALLOWED = strawberry.enum_value(
        DomainErrorCode.FLOW_SCHEMA_NOT_ALLOWED.value,
        description="The flow schema's type cannot run as a queue hook.",
    )


@strawberry.enum(description="A sort direction.")
class SortDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Smallest first (A to Z, false before true).")
    DESC = strawberry.enum_value("desc", description="Largest first.")
