"""Async factories: rows created directly, for the "given" part of a test."""

from app.models import FlowSchema, FlowSchemaType, Queue, QueueHook, QueueHookEvent, QueueType

TENANT = "acme"
OTHER_TENANT = "globex"


async def create_queue(
    name: str = "Outbound IVR", tenant: str = TENANT, queue_type: QueueType = QueueType.OUTBOUND_IVR
) -> Queue:
    return await Queue.create(tenant=tenant, name=name, type=queue_type)


async def create_flow_schema(
    name: str = "CRM sync",
    tenant: str = TENANT,
    schema_type: FlowSchemaType = FlowSchemaType.SERVICE,
) -> FlowSchema:
    return await FlowSchema.create(tenant=tenant, name=name, type=schema_type)


async def create_hook(
    queue: Queue,
    schema: FlowSchema,
    event: QueueHookEvent = QueueHookEvent.JOINED,
    enabled: bool = True,
    user: str = "factory",
) -> QueueHook:
    return await QueueHook.create(
        queue=queue,
        flow_schema=schema,
        event=event,
        enabled=enabled,
        version=1,
        created_by=user,
        updated_by=user,
    )
