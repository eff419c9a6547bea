"""The event and flow schema type catalogs: what a screen builds its dropdowns from,
in production too, where introspection is off."""

from typing import Any

from app.core.settings import Settings
from app.graphql.context import Context
from app.graphql.schema import build_schema
from app.models.enums import FLOW_SCHEMA_TYPE_WORDING, QUEUE_HOOK_EVENT_WORDING
from app.models.enums import FlowSchemaType as DomainFlowSchemaType
from app.models.enums import QueueHookEvent as DomainEvent
from tests.graphql.client import principal, run

EVENTS = "{ queueHookEvents { value label description } }"
TYPES = "{ flowSchemaTypes { value label description hookable } }"
ENUM_DESCRIPTIONS = """
query($name: String!) { __type(name: $name) { enumValues { name description } } }
"""
PRODUCTION_LIKE = build_schema(introspection=False, mask_internal_errors=True)


async def run_without_introspection(query: str) -> dict[str, Any]:
    result = await PRODUCTION_LIKE.execute(
        query,
        context_value=Context(
            Settings(app_env="test", database_url="sqlite://:memory:"),
            "test-request",
            identity=principal(permissions=()),
        ),
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def enum_descriptions(name: str) -> list[tuple[str, str]]:
    result = await run(ENUM_DESCRIPTIONS, {"name": name})
    assert result.data is not None
    return [(v["name"], v["description"]) for v in result.data["__type"]["enumValues"]]


async def test_the_eight_events_come_with_labels_when_introspection_is_off() -> None:
    data = await run_without_introspection(EVENTS)

    assert [(e["value"], e["label"]) for e in data["queueHookEvents"]] == [
        ("JOINED", "Joined"),
        ("ANSWERED", "Answered"),
        ("OFFERING", "Offering"),
        ("BRIDGED", "Bridged"),
        ("MISSED", "Missed"),
        ("LEAVING", "Leaving"),
        ("PROCESSING", "Processing"),
        ("ACTIVE", "Active"),
    ]


async def test_the_event_descriptions_are_the_enum_s_own() -> None:
    data = await run_without_introspection(EVENTS)

    listed = [(e["value"], e["description"]) for e in data["queueHookEvents"]]
    assert listed == await enum_descriptions("QueueHookEvent")
    assert all(description for _, description in listed)


async def test_flow_schema_types_say_which_ones_hooks_may_run() -> None:
    data = await run_without_introspection(TYPES)

    types = data["flowSchemaTypes"]
    assert [(t["value"], t["label"], t["hookable"]) for t in types] == [
        ("DEFAULT", "Default", True),
        ("SERVICE", "Service", True),
        ("VOICE", "Voice", False),
        ("CHAT", "Chat", False),
        ("PROCESSING", "Processing", False),
        ("FORM", "Form", False),
    ]
    described = [(t["value"], t["description"]) for t in types]
    assert described == await enum_descriptions("FlowSchemaType")


async def test_the_catalogs_need_an_identity() -> None:
    for query in (EVENTS, TYPES):
        result = await PRODUCTION_LIKE.execute(
            query,
            context_value=Context(
                Settings(app_env="test", database_url="sqlite://:memory:"), "test-request"
            ),
        )

        assert result.data is None
        assert [e.extensions for e in result.errors or []] == [{"code": "UNAUTHENTICATED"}]


def test_every_event_and_flow_schema_type_has_wording() -> None:
    assert list(QUEUE_HOOK_EVENT_WORDING) == list(DomainEvent)
    assert list(FLOW_SCHEMA_TYPE_WORDING) == list(DomainFlowSchemaType)
