"""Errors speak the API's words: the ids the client sent, the enums' own names."""

from collections.abc import AsyncGenerator
from typing import Any

from app.graphql.context import Context
from app.models import FlowSchemaType, QueueHook, QueueHookEvent
from app.services.change_feed import ChangeFeed
from tests.factories import create_flow_schema, create_hook, create_queue
from tests.graphql.client import SCHEMA, SETTINGS, gid, ok, principal
from tests.graphql.test_hook_mutations import CREATE, DELETE, TOGGLE, UPDATE, snapshot

RENAME_QUEUE = """
mutation($id: ID!) { renameQueue(id: $id, name: "x") {
  __typename ... on Error { message } ... on NotFoundError { ids } } }
"""
DELETE_QUEUE = """
mutation($id: ID!) { deleteQueue(id: $id) {
  __typename ... on Error { message } ... on NotFoundError { ids } } }
"""
RENAME_SCHEMA = """
mutation($id: ID!) { renameFlowSchema(id: $id, name: "x") {
  __typename ... on Error { message } ... on NotFoundError { ids } } }
"""
DELETE_SCHEMA = """
mutation($id: ID!) { deleteFlowSchema(id: $id) {
  __typename ... on Error { message } ... on NotFoundError { ids } } }
"""
NOT_ALLOWED = """
mutation($input: CreateQueueHookInput!) { createQueueHook(input: $input) {
  __typename ... on FlowSchemaNotAllowedError { message code schemaType allowedTypes } } }
"""


def names_only(message: str, sent: list[str], keys: list[int]) -> None:
    """The message names every id sent, and no database key."""
    for global_id in sent:
        assert global_id in message, message
    without_ids = message
    for global_id in sent:
        without_ids = without_ids.replace(global_id, "")
    for key in keys:
        assert str(key) not in without_ids, message


async def test_not_found_in_a_hook_mutation_names_the_ids_sent(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    unknown_queue, unknown_schema, unknown_hook = (
        gid("Queue", 4242),
        gid("FlowSchema", 5353),
        gid("QueueHook", 99999),
    )
    hook = await create_hook(queue, schema)

    created = await ok(
        CREATE,
        {
            "input": {
                "queueId": unknown_queue,
                "event": "JOINED",
                "flowSchemaId": gid("FlowSchema", schema.pk),
            }
        },
    )
    pointed = await ok(
        UPDATE, {"input": {"id": gid("QueueHook", hook.pk), "flowSchemaId": unknown_schema}}
    )
    toggled = await ok(TOGGLE, {"id": unknown_hook, "enabled": False})

    assert created["createQueueHook"]["message"] == f"queue not found: {unknown_queue}"
    assert pointed["updateQueueHook"]["message"] == f"flow schema not found: {unknown_schema}"
    assert toggled["setQueueHookEnabled"]["message"] == f"queue hook not found: {unknown_hook}"
    assert toggled["setQueueHookEnabled"]["ids"] == [unknown_hook]


async def test_bulk_remove_names_the_missing_ids_as_sent(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    kept = await create_hook(queue, schema)
    missing = [gid("QueueHook", 99999), gid("QueueHook", 77777), gid("Queue", queue.pk)]

    data = await ok(DELETE, {"ids": [gid("QueueHook", kept.pk), *missing]})

    error = data["deleteQueueHooks"]
    assert error["__typename"] == "NotFoundError"
    assert sorted(error["ids"]) == sorted(missing)
    names_only(error["message"], missing, [99999, 77777])


async def test_queue_and_flow_schema_mutations_name_the_ids_sent(database: str) -> None:
    queue_id, schema_id = gid("Queue", 31337), gid("FlowSchema", 31338)

    answers = [
        (await ok(RENAME_QUEUE, {"id": queue_id}))["renameQueue"],
        (await ok(DELETE_QUEUE, {"id": queue_id}))["deleteQueue"],
        (await ok(RENAME_SCHEMA, {"id": schema_id}))["renameFlowSchema"],
        (await ok(DELETE_SCHEMA, {"id": schema_id}))["deleteFlowSchema"],
    ]

    assert [a["message"] for a in answers] == [
        f"queue not found: {queue_id}",
        f"queue not found: {queue_id}",
        f"flow schema not found: {schema_id}",
        f"flow schema not found: {schema_id}",
    ]
    assert [a["ids"] for a in answers] == [[queue_id], [queue_id], [schema_id], [schema_id]]


async def first_errors(queue_id: str) -> list[tuple[str, Any]]:
    """The errors of a queueHooksChanged subscription's first result."""
    context = Context(SETTINGS, "test", feed=ChangeFeed(buffer_size=8), identity=principal())
    stream = await SCHEMA.subscribe(
        "subscription($q: ID!) { queueHooksChanged(queueId: $q) { __typename } }",
        variable_values={"q": queue_id},
        context_value=context,
    )
    assert isinstance(stream, AsyncGenerator), stream
    first = await anext(stream)
    await stream.aclose()
    return [(e.message, e.extensions) for e in first.errors or []]


async def test_a_subscription_to_an_unknown_queue_names_the_id_sent(database: str) -> None:
    queue_id = gid("Queue", 424242)

    errors = await first_errors(queue_id)

    assert errors == [(f"queue not found: {queue_id}", {"code": "NOT_FOUND"})]


async def test_a_subscription_to_another_types_id_names_it_not_a_zero(database: str) -> None:
    hook_id = gid("QueueHook", 12)

    errors = await first_errors(hook_id)

    assert errors == [(f"queue not found: {hook_id}", {"code": "NOT_FOUND"})]


# The enums' own names


async def test_a_flow_schema_of_the_wrong_type_is_named_as_the_enum_names_it(
    database: str,
) -> None:
    queue = await create_queue()
    voice = await create_flow_schema("IVR menu", schema_type=FlowSchemaType.VOICE)

    data = await ok(
        NOT_ALLOWED,
        {
            "input": {
                "queueId": gid("Queue", queue.pk),
                "event": "JOINED",
                "flowSchemaId": gid("FlowSchema", voice.pk),
            }
        },
    )

    error = data["createQueueHook"]
    assert error["__typename"] == "FlowSchemaNotAllowedError"
    assert error["schemaType"] == "VOICE"
    assert error["allowedTypes"] == ["DEFAULT", "SERVICE"]
    assert error["message"] == (
        "a flow schema of type VOICE cannot run as a queue hook; allowed types: DEFAULT, SERVICE"
    )


async def test_the_duplicate_event_message_names_the_event_as_the_enum_does(
    database: str,
) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    await create_hook(queue, schema, QueueHookEvent.MISSED)
    variables = {
        "queueId": gid("Queue", queue.pk),
        "event": "MISSED",
        "flowSchemaId": gid("FlowSchema", schema.pk),
    }

    data = await ok(CREATE, {"input": variables})

    message: str = data["createQueueHook"]["message"]
    assert f"event {variables['event']};" in message, message
    assert "missed" not in message


# deleteQueueHooks with repeated ids


async def test_bulk_remove_refuses_repeated_ids_and_names_them(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    one, two, three = [
        await create_hook(queue, schema, e, enabled=False) for e in list(QueueHookEvent)[:3]
    ]
    repeated = [gid("QueueHook", one.pk), gid("QueueHook", three.pk)]
    sent = [repeated[0], gid("QueueHook", two.pk), repeated[1], repeated[0], repeated[1]]
    before = await snapshot()

    data = await ok(DELETE, {"ids": sent})

    error = data["deleteQueueHooks"]
    assert error["__typename"] == "InvalidInputError"
    assert error["field"] == "ids"
    assert error["code"] == "INVALID_INPUT"
    assert error["message"] == (
        f"each id may be given once; repeated: {repeated[0]}, {repeated[1]}"
    )
    assert await snapshot() == before
    assert await QueueHook.all().count() == 3


async def test_bulk_remove_refuses_repeats_before_looking_anything_up(database: str) -> None:
    unknown = gid("QueueHook", 99999)

    data = await ok(DELETE, {"ids": [unknown, unknown]})

    assert data["deleteQueueHooks"]["__typename"] == "InvalidInputError"
    assert data["deleteQueueHooks"]["message"] == f"each id may be given once; repeated: {unknown}"
