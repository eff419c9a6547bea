"""GraphQL enums, each value documented; values equal the domain enums' values.

Event and flow schema type descriptions come from the domain's wording
(app/models/enums.py), which the catalog queries also list.
"""

from enum import Enum
from typing import Any

import strawberry

from app.core.errors import ErrorCode as DomainErrorCode
from app.models.enums import FLOW_SCHEMA_TYPE_WORDING, QUEUE_HOOK_EVENT_WORDING
from app.models.enums import FlowSchemaType as DomainFlowSchemaType
from app.models.enums import QueueHookEvent as DomainEvent


def _event(value: DomainEvent) -> Any:
    return strawberry.enum_value(
        value.value, description=QUEUE_HOOK_EVENT_WORDING[value].description
    )


def _schema_type(value: DomainFlowSchemaType) -> Any:
    return strawberry.enum_value(
        value.value, description=FLOW_SCHEMA_TYPE_WORDING[value].description
    )


@strawberry.enum(description="A queue event that can trigger a hook.")
class QueueHookEvent(Enum):
    JOINED = _event(DomainEvent.JOINED)
    ANSWERED = _event(DomainEvent.ANSWERED)
    OFFERING = _event(DomainEvent.OFFERING)
    BRIDGED = _event(DomainEvent.BRIDGED)
    MISSED = _event(DomainEvent.MISSED)
    LEAVING = _event(DomainEvent.LEAVING)
    PROCESSING = _event(DomainEvent.PROCESSING)
    ACTIVE = _event(DomainEvent.ACTIVE)


@strawberry.enum(
    description="The kind of a flow schema; only SERVICE and DEFAULT can run as hooks."
)
class FlowSchemaType(Enum):
    DEFAULT = _schema_type(DomainFlowSchemaType.DEFAULT)
    SERVICE = _schema_type(DomainFlowSchemaType.SERVICE)
    VOICE = _schema_type(DomainFlowSchemaType.VOICE)
    CHAT = _schema_type(DomainFlowSchemaType.CHAT)
    PROCESSING = _schema_type(DomainFlowSchemaType.PROCESSING)
    FORM = _schema_type(DomainFlowSchemaType.FORM)


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
