"""A hook as every layer above the repositories sees it: one typed row, the same
from SQLite and PostgreSQL, and its JSON form, which the change log keeps.

ORM objects stay inside the repositories. The JSON form is what subscribers and
replay read back from `queue_hook_change.hook`; its keys are stored, so they
stay as they are (entries logged by older servers read back the same).
"""

from datetime import datetime
from typing import Any, NamedTuple

from app.models import FlowSchema, FlowSchemaType, QueueHook, QueueHookEvent


# Rows are NamedTuples: immutable like a frozen dataclass, and built at about a third
# of its cost (a frozen dataclass sets each field through object.__setattr__), which
# a cold registry page pays 42 times.
class FlowSchemaRow(NamedTuple):
    pk: int
    name: str
    type: FlowSchemaType
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, schema: FlowSchema) -> "FlowSchemaRow":
        return cls(
            pk=schema.pk,
            name=schema.name,
            type=FlowSchemaType(schema.type),
            created_at=schema.created_at,
            updated_at=schema.updated_at,
        )


class HookRow(NamedTuple):
    """A hook with its flow schema."""

    pk: int
    queue_id: int
    event: QueueHookEvent
    enabled: bool
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    flow_schema: FlowSchemaRow

    @property
    def flow_schema_id(self) -> int:
        return self.flow_schema.pk

    @classmethod
    def from_model(cls, hook: QueueHook) -> "HookRow":
        """From an ORM hook whose flow schema is loaded (select_related)."""
        return cls(
            pk=hook.pk,
            queue_id=hook.queue_id,
            event=QueueHookEvent(hook.event),
            enabled=hook.enabled,
            version=hook.version,
            created_at=hook.created_at,
            created_by=hook.created_by,
            updated_at=hook.updated_at,
            updated_by=hook.updated_by,
            flow_schema=FlowSchemaRow.from_model(hook.flow_schema),
        )

    def to_json(self) -> dict[str, Any]:
        """The change log's snapshot of the hook."""
        schema = self.flow_schema
        return {
            "id": self.pk,
            "queue_id": self.queue_id,
            "event": self.event.value,
            "enabled": self.enabled,
            "version": self.version,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
            "schema": {
                "id": schema.pk,
                "name": schema.name,
                "type": schema.type.value,
                "created_at": schema.created_at.isoformat(),
                "updated_at": schema.updated_at.isoformat(),
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "HookRow":
        schema = data["schema"]
        return cls(
            pk=data["id"],
            queue_id=data["queue_id"],
            event=QueueHookEvent(data["event"]),
            enabled=data["enabled"],
            version=data["version"],
            created_at=datetime.fromisoformat(data["created_at"]),
            created_by=data["created_by"],
            updated_at=datetime.fromisoformat(data["updated_at"]),
            updated_by=data["updated_by"],
            flow_schema=FlowSchemaRow(
                pk=schema["id"],
                name=schema["name"],
                type=FlowSchemaType(schema["type"]),
                created_at=datetime.fromisoformat(schema["created_at"]),
                updated_at=datetime.fromisoformat(schema["updated_at"]),
            ),
        )
