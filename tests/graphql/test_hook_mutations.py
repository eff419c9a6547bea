"""Hook mutations: each success and each typed error; failures change nothing."""

from typing import Any

from app.models import FlowSchemaType, QueueHook, QueueHookEvent
from tests.factories import OTHER_TENANT, create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid, ok, principal

HOOK_FIELDS = """
  id event enabled version createdBy updatedBy createdAt updatedAt
  flowSchema { id name } queue { id name }
"""
ERROR_SELECTIONS = {
    "NotFoundError": "ids",
    "InvalidInputError": "field",
    "DuplicateEnabledEventError": "event enabledHookId enabledHook { id }",
    "VersionConflictError": "currentVersion",
    "FlowSchemaNotAllowedError": "schemaType",
}


def errors(*type_names: str) -> str:
    spreads = "".join(f" ... on {t} {{ {ERROR_SELECTIONS[t]} }}" for t in type_names)
    return "__typename ... on Error { message code }" + spreads


CREATE = f"""
mutation($input: CreateQueueHookInput!) {{
  createQueueHook(input: $input) {{
    ... on CreateQueueHookSuccess {{ hook {{ {HOOK_FIELDS} }} }}
    {
    errors(
        "NotFoundError",
        "InvalidInputError",
        "DuplicateEnabledEventError",
        "FlowSchemaNotAllowedError",
    )
}
  }}
}}
"""
UPDATE = f"""
mutation($input: UpdateQueueHookInput!) {{
  updateQueueHook(input: $input) {{
    ... on UpdateQueueHookSuccess {{ hook {{ {HOOK_FIELDS} }} }}
    {errors(*ERROR_SELECTIONS)}
  }}
}}
"""
TOGGLE = f"""
mutation($id: ID!, $enabled: Boolean!, $v: Int) {{
  setQueueHookEnabled(id: $id, enabled: $enabled, expectedVersion: $v) {{
    ... on SetQueueHookEnabledSuccess {{ hook {{ {HOOK_FIELDS} }} }}
    {
    errors(
        "NotFoundError", "InvalidInputError", "DuplicateEnabledEventError", "VersionConflictError"
    )
}
  }}
}}
"""
DELETE = f"""
mutation($ids: [ID!]!) {{
  deleteQueueHooks(ids: $ids) {{
    ... on DeleteQueueHooksSuccess {{ deletedIds }}
    {errors("NotFoundError", "InvalidInputError")}
  }}
}}
"""


async def snapshot() -> list[tuple[Any, ...]]:
    return list(
        await QueueHook.all()
        .order_by("id")
        .values_list(
            "id", "queue_id", "event", "flow_schema_id", "enabled", "version", "updated_by"
        )
    )


# createQueueHook


async def test_create_adds_a_hook_and_records_who(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    variables = {
        "queueId": gid("Queue", queue.pk),
        "event": "ANSWERED",
        "flowSchemaId": gid("FlowSchema", schema.pk),
    }

    data = await ok(CREATE, {"input": variables}, principal(user="bob"))

    result = data["createQueueHook"]
    assert result["__typename"] == "CreateQueueHookSuccess"
    hook = result["hook"]
    assert hook["event"] == variables["event"]
    assert hook["flowSchema"] == {"id": variables["flowSchemaId"], "name": schema.name}
    assert hook["queue"] == {"id": variables["queueId"], "name": queue.name}
    assert (hook["enabled"], hook["version"]) == (True, 1)
    assert (hook["createdBy"], hook["updatedBy"]) == ("bob", "bob")
    stored = await QueueHook.get(queue_id=queue.pk)
    assert gid("QueueHook", stored.pk) == hook["id"]


async def test_create_refuses_a_second_enabled_hook_for_the_event(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    existing = await create_hook(queue, schema, QueueHookEvent.MISSED)
    before = await snapshot()

    data = await ok(
        CREATE,
        {
            "input": {
                "queueId": gid("Queue", queue.pk),
                "event": "MISSED",
                "flowSchemaId": gid("FlowSchema", schema.pk),
            }
        },
    )

    error = data["createQueueHook"]
    assert error["__typename"] == "DuplicateEnabledEventError"
    assert error["code"] == "DUPLICATE_ENABLED_EVENT"
    assert error["event"] == "MISSED"
    assert error["enabledHookId"] == gid("QueueHook", existing.pk)
    assert error["enabledHook"] == {"id": gid("QueueHook", existing.pk)}
    assert await snapshot() == before


async def test_create_allows_a_disabled_duplicate(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    await create_hook(queue, schema, QueueHookEvent.MISSED)

    data = await ok(
        CREATE,
        {
            "input": {
                "queueId": gid("Queue", queue.pk),
                "event": "MISSED",
                "flowSchemaId": gid("FlowSchema", schema.pk),
                "enabled": False,
            }
        },
    )

    assert data["createQueueHook"]["__typename"] == "CreateQueueHookSuccess"
    assert data["createQueueHook"]["hook"]["enabled"] is False


async def test_create_refuses_a_flow_schema_of_a_type_hooks_cannot_run(database: str) -> None:
    queue = await create_queue()
    voice = await create_flow_schema("IVR menu", schema_type=FlowSchemaType.VOICE)

    data = await ok(
        CREATE,
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
    assert error["code"] == "FLOW_SCHEMA_NOT_ALLOWED"
    assert error["schemaType"] == "VOICE"
    assert await snapshot() == []


async def test_create_treats_another_tenants_flow_schema_as_not_found(database: str) -> None:
    queue = await create_queue()
    foreign = await create_flow_schema(tenant=OTHER_TENANT)
    foreign_id = gid("FlowSchema", foreign.pk)

    data = await ok(
        CREATE,
        {
            "input": {
                "queueId": gid("Queue", queue.pk),
                "event": "JOINED",
                "flowSchemaId": foreign_id,
            }
        },
    )

    assert data["createQueueHook"]["__typename"] == "NotFoundError"
    assert data["createQueueHook"]["ids"] == [foreign_id]
    assert await snapshot() == []


async def test_create_in_an_unknown_queue_is_not_found(database: str) -> None:
    schema = await create_flow_schema()
    queue_id = gid("Queue", 4242)

    data = await ok(
        CREATE,
        {
            "input": {
                "queueId": queue_id,
                "event": "JOINED",
                "flowSchemaId": gid("FlowSchema", schema.pk),
            }
        },
    )

    assert data["createQueueHook"]["__typename"] == "NotFoundError"
    assert data["createQueueHook"]["code"] == "NOT_FOUND"
    assert data["createQueueHook"]["ids"] == [queue_id]


async def test_create_with_a_malformed_id_is_invalid_input(database: str) -> None:
    schema = await create_flow_schema()

    data = await ok(
        CREATE,
        {
            "input": {
                "queueId": "%%%",
                "event": "JOINED",
                "flowSchemaId": gid("FlowSchema", schema.pk),
            }
        },
    )

    assert data["createQueueHook"]["__typename"] == "InvalidInputError"
    assert data["createQueueHook"]["field"] == "queueId"


# updateQueueHook


async def test_update_changes_only_the_fields_sent(database: str) -> None:
    queue = await create_queue()
    first, second = await create_flow_schema("first"), await create_flow_schema("second")
    hook = await create_hook(queue, first, QueueHookEvent.JOINED, enabled=False)

    data = await ok(
        UPDATE,
        {"input": {"id": gid("QueueHook", hook.pk), "flowSchemaId": gid("FlowSchema", second.pk)}},
        principal(user="carol"),
    )

    updated = data["updateQueueHook"]["hook"]
    assert data["updateQueueHook"]["__typename"] == "UpdateQueueHookSuccess"
    assert updated["flowSchema"]["id"] == gid("FlowSchema", second.pk)
    assert (updated["event"], updated["enabled"]) == ("JOINED", False)
    assert (updated["version"], updated["updatedBy"], updated["createdBy"]) == (
        2,
        "carol",
        "factory",
    )


async def test_update_event_and_state_together(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema, QueueHookEvent.JOINED, enabled=False)

    data = await ok(
        UPDATE,
        {
            "input": {
                "id": gid("QueueHook", hook.pk),
                "event": "LEAVING",
                "enabled": True,
                "expectedVersion": 1,
            }
        },
    )

    assert data["updateQueueHook"]["hook"]["event"] == "LEAVING"
    assert data["updateQueueHook"]["hook"]["enabled"] is True
    assert data["updateQueueHook"]["hook"]["version"] == 2


async def test_update_with_a_stale_version_is_a_conflict(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema)
    await QueueHook.filter(id=hook.pk).update(version=3)
    before = await snapshot()

    data = await ok(
        UPDATE,
        {"input": {"id": gid("QueueHook", hook.pk), "event": "ACTIVE", "expectedVersion": 2}},
    )

    assert data["updateQueueHook"]["__typename"] == "VersionConflictError"
    assert data["updateQueueHook"]["code"] == "VERSION_CONFLICT"
    assert data["updateQueueHook"]["currentVersion"] == 3
    assert await snapshot() == before


async def test_update_onto_an_enabled_event_is_a_duplicate(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    taken = await create_hook(queue, schema, QueueHookEvent.BRIDGED)
    hook = await create_hook(queue, schema, QueueHookEvent.JOINED)
    before = await snapshot()

    data = await ok(UPDATE, {"input": {"id": gid("QueueHook", hook.pk), "event": "BRIDGED"}})

    assert data["updateQueueHook"]["__typename"] == "DuplicateEnabledEventError"
    assert data["updateQueueHook"]["enabledHookId"] == gid("QueueHook", taken.pk)
    assert await snapshot() == before


async def test_update_to_a_disallowed_or_unknown_flow_schema(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    chat = await create_flow_schema("chat bot", schema_type=FlowSchemaType.CHAT)
    hook = await create_hook(queue, schema)
    before = await snapshot()
    hook_id = gid("QueueHook", hook.pk)

    wrong_type = await ok(
        UPDATE, {"input": {"id": hook_id, "flowSchemaId": gid("FlowSchema", chat.pk)}}
    )
    unknown = await ok(UPDATE, {"input": {"id": hook_id, "flowSchemaId": gid("FlowSchema", 999)}})

    assert wrong_type["updateQueueHook"]["__typename"] == "FlowSchemaNotAllowedError"
    assert unknown["updateQueueHook"]["__typename"] == "NotFoundError"
    assert unknown["updateQueueHook"]["ids"] == [gid("FlowSchema", 999)]
    assert await snapshot() == before


async def test_update_of_an_unknown_hook_is_not_found(database: str) -> None:
    hook_id = gid("QueueHook", 77)

    data = await ok(UPDATE, {"input": {"id": hook_id, "enabled": False}})

    assert data["updateQueueHook"]["__typename"] == "NotFoundError"
    assert data["updateQueueHook"]["ids"] == [hook_id]


async def test_update_with_nothing_to_change_keeps_the_version(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema, QueueHookEvent.JOINED)

    data = await ok(UPDATE, {"input": {"id": gid("QueueHook", hook.pk), "event": "JOINED"}})

    assert data["updateQueueHook"]["hook"]["version"] == 1


async def test_update_refuses_an_explicit_null(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema)

    before = await snapshot()

    data = await ok(UPDATE, {"input": {"id": gid("QueueHook", hook.pk), "event": None}})

    assert data["updateQueueHook"]["__typename"] == "InvalidInputError"
    assert data["updateQueueHook"]["field"] == "event"
    assert await snapshot() == before


# setQueueHookEnabled


async def test_the_state_switch_disables_and_enables(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema)
    hook_id = gid("QueueHook", hook.pk)

    off = await ok(TOGGLE, {"id": hook_id, "enabled": False})
    on = await ok(TOGGLE, {"id": hook_id, "enabled": True, "v": 2})

    assert off["setQueueHookEnabled"]["hook"]["enabled"] is False
    assert off["setQueueHookEnabled"]["hook"]["version"] == 2
    assert on["setQueueHookEnabled"]["__typename"] == "SetQueueHookEnabledSuccess"
    assert on["setQueueHookEnabled"]["hook"]["enabled"] is True
    assert on["setQueueHookEnabled"]["hook"]["version"] == 3


async def test_enabling_a_duplicate_names_the_enabled_hook(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    enabled = await create_hook(queue, schema, QueueHookEvent.OFFERING)
    disabled = await create_hook(queue, schema, QueueHookEvent.OFFERING, enabled=False)
    before = await snapshot()

    data = await ok(TOGGLE, {"id": gid("QueueHook", disabled.pk), "enabled": True})

    assert data["setQueueHookEnabled"]["__typename"] == "DuplicateEnabledEventError"
    assert data["setQueueHookEnabled"]["enabledHook"] == {"id": gid("QueueHook", enabled.pk)}
    assert await snapshot() == before


async def test_the_state_switch_with_a_stale_version_or_unknown_hook(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema)

    stale = await ok(TOGGLE, {"id": gid("QueueHook", hook.pk), "enabled": False, "v": 5})
    unknown = await ok(TOGGLE, {"id": gid("QueueHook", 5000), "enabled": False})
    malformed = await ok(TOGGLE, {"id": "nope", "enabled": False})

    assert stale["setQueueHookEnabled"]["__typename"] == "VersionConflictError"
    assert stale["setQueueHookEnabled"]["currentVersion"] == 1
    assert unknown["setQueueHookEnabled"]["__typename"] == "NotFoundError"
    assert malformed["setQueueHookEnabled"]["__typename"] == "InvalidInputError"
    assert (await QueueHook.get(id=hook.pk)).enabled is True


# deleteQueueHooks


async def test_bulk_remove_removes_every_hook_given(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hooks = [await create_hook(queue, schema, e, enabled=False) for e in QueueHookEvent]
    chosen = [gid("QueueHook", h.pk) for h in hooks[:3]]

    data = await ok(DELETE, {"ids": chosen})

    assert data["deleteQueueHooks"] == {
        "__typename": "DeleteQueueHooksSuccess",
        "deletedIds": chosen,
    }
    assert await QueueHook.filter(queue=queue).count() == len(hooks) - 3


async def test_bulk_remove_is_all_or_nothing(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hooks = [await create_hook(queue, schema, e) for e in list(QueueHookEvent)[:3]]
    foreign = await create_hook(await create_queue(tenant=OTHER_TENANT), schema)
    missing = [gid("QueueHook", 999), gid("QueueHook", foreign.pk), gid("Queue", queue.pk)]
    before = await snapshot()

    data = await ok(DELETE, {"ids": [gid("QueueHook", h.pk) for h in hooks] + missing})

    error = data["deleteQueueHooks"]
    assert error["__typename"] == "NotFoundError"
    assert sorted(error["ids"]) == sorted(missing)
    assert await snapshot() == before


async def test_bulk_remove_of_nothing_is_invalid_input(database: str) -> None:
    data = await ok(DELETE, {"ids": []})

    assert data["deleteQueueHooks"]["__typename"] == "InvalidInputError"
    assert data["deleteQueueHooks"]["field"] == "ids"
