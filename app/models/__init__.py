"""The Tortoise models: the only place that defines tables.

Constraints that Tortoise cannot express (the partial unique index "one enabled
hook per queue and event", CHECK constraints on enum columns) live in the
migrations, which are the source of truth for the schema.
"""

from typing import Any

from tortoise import fields
from tortoise.models import Model

from app.models.enums import ChangeKind, FlowSchemaType, QueueHookEvent, QueueType

__all__ = [
    "ChangeKind",
    "FlowSchema",
    "FlowSchemaType",
    "Queue",
    "QueueHook",
    "QueueHookChange",
    "QueueHookCount",
    "QueueHookEvent",
    "QueueType",
]


class Queue(Model):
    id = fields.IntField(primary_key=True)
    tenant = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    type = fields.CharEnumField(QueueType, max_length=32)
    # The revision of the queue's newest change-log entry; grows by one per change.
    revision = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    hooks: fields.ReverseRelation["QueueHook"]

    class Meta:
        table = "queue"
        indexes = (("tenant", "name"),)


class FlowSchema(Model):
    id = fields.IntField(primary_key=True)
    tenant = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    type = fields.CharEnumField(FlowSchemaType, max_length=32)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "flow_schema"
        indexes = (("tenant", "type", "created_at"), ("tenant", "name"))


class QueueHook(Model):
    id = fields.IntField(primary_key=True)
    queue: fields.ForeignKeyRelation[Queue] = fields.ForeignKeyField(
        "models.Queue", related_name="hooks", on_delete=fields.CASCADE
    )
    event = fields.CharEnumField(QueueHookEvent, max_length=16)
    # RESTRICT: a flow schema in use cannot disappear from under its hooks.
    flow_schema: fields.ForeignKeyRelation[FlowSchema] = fields.ForeignKeyField(
        "models.FlowSchema", related_name="hooks", on_delete=fields.RESTRICT
    )
    enabled = fields.BooleanField(default=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by = fields.CharField(max_length=200)
    updated_at = fields.DatetimeField(auto_now=True)
    updated_by = fields.CharField(max_length=200)

    queue_id: int
    flow_schema_id: int

    class Meta:
        table = "queue_hook"
        indexes = (("queue_id", "event", "id"), ("flow_schema_id",))


class QueueHookChange(Model):
    """The change log that live subscriptions replay and tail.

    No foreign key to the queue: a queue's log outlives it, so that subscribers
    learn of its deletion.
    """

    id = fields.BigIntField(primary_key=True)
    queue_id = fields.IntField()
    tenant = fields.CharField(max_length=64)
    revision = fields.BigIntField()
    kind = fields.CharEnumField(ChangeKind, max_length=16)
    hook_id = fields.IntField(null=True)
    # The hook as it was after the change; for a deletion, as it was just before.
    hook: Any = fields.JSONField(null=True)
    # The user whose write made the change.
    changed_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "queue_hook_change"
        unique_together = (("queue_id", "revision"),)


class QueueHookCount(Model):
    """How many hooks a queue has per (event, enabled): totalCount without scanning.

    Kept by database triggers on queue_hook (see the migration), so every writer,
    the ORM, raw SQL and cascades alike, keeps it right.
    """

    id = fields.IntField(primary_key=True)
    queue: fields.ForeignKeyRelation[Queue] = fields.ForeignKeyField(
        "models.Queue", related_name="hook_counts", on_delete=fields.CASCADE
    )
    event = fields.CharEnumField(QueueHookEvent, max_length=16)
    enabled = fields.BooleanField()
    count = fields.IntField(default=0)

    queue_id: int

    class Meta:
        table = "queue_hook_count"
        unique_together = (("queue_id", "event", "enabled"),)
