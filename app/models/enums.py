"""Domain enumerations, stored as their string values, with the words people see.

The labels and descriptions here are the only copy: the GraphQL enums take their
value descriptions from them, and the catalog queries (which work with
introspection off) list them.
"""

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


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


@dataclass(frozen=True, slots=True)
class Wording:
    """How a value is shown: a short label (a dropdown entry) and a sentence."""

    label: str
    description: str


# In the order a dropdown shows them: the enum's own order.
QUEUE_HOOK_EVENT_WORDING = MappingProxyType(
    {
        QueueHookEvent.JOINED: Wording("Joined", "A member (call, chat) joined the queue."),
        QueueHookEvent.ANSWERED: Wording("Answered", "An agent answered the member."),
        QueueHookEvent.OFFERING: Wording(
            "Offering", "The member is being offered to an agent, before the answer."
        ),
        QueueHookEvent.BRIDGED: Wording(
            "Bridged", "The member was bridged (connected) to the agent."
        ),
        QueueHookEvent.MISSED: Wording(
            "Missed", "An offer to an agent was not answered (the agent missed it)."
        ),
        QueueHookEvent.LEAVING: Wording(
            "Leaving", "The member is leaving the queue, whatever the outcome."
        ),
        QueueHookEvent.PROCESSING: Wording(
            "Processing", "The agent started post-call processing (wrap-up) of the member."
        ),
        QueueHookEvent.ACTIVE: Wording(
            "Active", "The member became active for the agent (the conversation started)."
        ),
    }
)

FLOW_SCHEMA_TYPE_WORDING = MappingProxyType(
    {
        FlowSchemaType.DEFAULT: Wording("Default", "A general-purpose schema."),
        FlowSchemaType.SERVICE: Wording(
            "Service", "A service schema, run in the background, e.g. by hooks."
        ),
        FlowSchemaType.VOICE: Wording("Voice", "A voice call routing schema."),
        FlowSchemaType.CHAT: Wording("Chat", "A chat routing schema."),
        FlowSchemaType.PROCESSING: Wording(
            "Processing", "A post-processing (wrap-up form) schema."
        ),
        FlowSchemaType.FORM: Wording("Form", "A form schema shown to agents."),
    }
)


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
