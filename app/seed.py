"""Demo data for a newcomer: a tenant with queues, flow schemas and hooks."""

from app.core.errors import DuplicateEnabledEvent
from app.core.identity import ALL_PERMISSIONS, Principal
from app.core.pagination import page_request
from app.models import FlowSchemaType, QueueHookEvent, QueueType
from app.services import flow_schemas as schema_service
from app.services import hooks as hook_service
from app.services import queues as queue_service

QUEUES = [
    ("Outbound IVR - payment reminders", QueueType.OUTBOUND_IVR),
    ("Inbound support", QueueType.INBOUND),
    ("Predictive sales", QueueType.PREDICTIVE_DIALER),
    ("Chat - web", QueueType.CHAT),
]

SCHEMAS = [
    ("CRM sync", FlowSchemaType.SERVICE),
    ("CRM ticket on missed call", FlowSchemaType.SERVICE),
    ("Webhook: call answered", FlowSchemaType.SERVICE),
    ("Webhook: member left", FlowSchemaType.SERVICE),
    ("Send SMS after call", FlowSchemaType.SERVICE),
    ("Survey after call", FlowSchemaType.SERVICE),
    ("Payment status lookup", FlowSchemaType.SERVICE),
    ("Recording to storage", FlowSchemaType.SERVICE),
    ("Analytics event", FlowSchemaType.DEFAULT),
    ("Default hook handler", FlowSchemaType.DEFAULT),
    ("Agent wrap-up notes", FlowSchemaType.DEFAULT),
    ("Callback scheduler", FlowSchemaType.DEFAULT),
    ("Main IVR menu", FlowSchemaType.VOICE),
    ("After-hours voicemail", FlowSchemaType.VOICE),
    ("Language selection", FlowSchemaType.VOICE),
    ("Chat greeting bot", FlowSchemaType.CHAT),
    ("Chat routing", FlowSchemaType.CHAT),
    ("Wrap-up form", FlowSchemaType.FORM),
    ("Quality form", FlowSchemaType.FORM),
    ("Post-processing", FlowSchemaType.PROCESSING),
]

EVENTS = list(QueueHookEvent)

# More hooks than the largest page (100), so that paging can be tried at once.
PAGING_QUEUE = ("Hotline - many hooks", QueueType.INBOUND)
PAGING_QUEUE_HOOKS = 120


async def seed_demo(tenant: str) -> bool:
    """Create the demo data unless the tenant already has queues; True if created."""
    principal = Principal(user="seed", tenant=tenant, permissions=frozenset(ALL_PERMISSIONS))
    existing = await queue_service.search_queues(
        principal,
        None,
        page_request(
            first=1,
            after=None,
            last=None,
            before=None,
            sort=queue_service.QUEUE_SORT,
            value_type=str,
        ),
    )
    if existing.rows:
        return False
    schemas = [
        await schema_service.create_flow_schema(principal, name, kind) for name, kind in SCHEMAS
    ]
    hookable = [s for s in schemas if s.type in (FlowSchemaType.SERVICE, FlowSchemaType.DEFAULT)]
    queues = [await queue_service.create_queue(principal, name, kind) for name, kind in QUEUES]
    # 8 + 8 + 8 + 6 = 30 hooks: one enabled per event, plus disabled alternatives.
    for q_index, queue in enumerate(queues):
        count = 8 if q_index < 3 else 6
        for h_index in range(count):
            event = EVENTS[(h_index * 3 + q_index) % len(EVENTS)] if q_index else EVENTS[h_index]
            enabled = q_index == 0 or h_index % 2 == 0
            schema = hookable[(q_index * 5 + h_index) % len(hookable)]
            try:
                await hook_service.create_hook(principal, queue.pk, event, schema.pk, enabled)
            except DuplicateEnabledEvent:
                await hook_service.create_hook(principal, queue.pk, event, schema.pk, False)
    # 120 hooks, 15 per event: the first of each event enabled, the others disabled.
    hotline = await queue_service.create_queue(principal, *PAGING_QUEUE)
    for index in range(PAGING_QUEUE_HOOKS):
        event = EVENTS[index % len(EVENTS)]
        schema = hookable[index % len(hookable)]
        enabled = index < len(EVENTS)
        await hook_service.create_hook(principal, hotline.pk, event, schema.pk, enabled)
    return True
