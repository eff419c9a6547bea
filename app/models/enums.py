"""Domain enumerations, stored as their string values."""

from enum import StrEnum


class QueueHookEvent(StrEnum):
    JOINED = "joined"
    ANSWERED = "answered"
    OFFERING = "offering"
    BRIDGED = "bridged"
    MISSED = "missed"
    LEAVING = "leaving"
    PROCESSING = "processing"
    ACTIVE = "active"


class FlowSchemaType(StrEnum):
    DEFAULT = "default"
    SERVICE = "service"
    VOICE = "voice"
    CHAT = "chat"
    PROCESSING = "processing"
    FORM = "form"


# Only these flow schema types may run as a queue hook.
HOOK_FLOW_SCHEMA_TYPES = frozenset({FlowSchemaType.SERVICE, FlowSchemaType.DEFAULT})


class QueueType(StrEnum):
    OFFLINE = "offline"
    INBOUND = "inbound"
    OUTBOUND_IVR = "outbound_ivr"
    PREVIEW_DIALER = "preview_dialer"
    PROGRESSIVE_DIALER = "progressive_dialer"
    PREDICTIVE_DIALER = "predictive_dialer"
    CHAT = "chat"
    TASK = "task"


class ChangeKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    # The queue itself was deleted: the last change of its log.
    QUEUE_DELETED = "queue_deleted"
