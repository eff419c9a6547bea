"""Queues and flow schemas: queries, the dropdown, and their mutations."""

from typing import Any

from graphql import GraphQLObjectType

from app.graphql.core_schema import core_schema
from app.graphql.node import NODES
from app.models import FlowSchema, FlowSchemaType, Queue, QueueHook, QueueHookEvent
from tests.factories import OTHER_TENANT, create_flow_schema, create_hook, create_queue
from tests.graphql.client import SCHEMA, gid, ok

DROPDOWN = """
query($search: String, $types: [FlowSchemaType!], $first: Int, $after: String) {
  flowSchemas(search: $search, types: $types, first: $first, after: $after) {
    totalCount nodes { id name type } pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_the_dropdown_lists_service_and_default_schemas_newest_first(database: str) -> None:
    made = []
    for i in range(16):
        kind = [FlowSchemaType.SERVICE, FlowSchemaType.DEFAULT, FlowSchemaType.VOICE][i % 3]
        made.append(await create_flow_schema(f"schema {i:02}", schema_type=kind))
    await create_flow_schema("foreign", tenant=OTHER_TENANT)
    hookable = [s for s in made if s.type != FlowSchemaType.VOICE]

    first = await ok(DROPDOWN)
    rest = await ok(DROPDOWN, {"after": first["flowSchemas"]["pageInfo"]["endCursor"]})

    newest_first = [gid("FlowSchema", s.pk) for s in reversed(hookable)]
    assert [n["id"] for n in first["flowSchemas"]["nodes"]] == newest_first[:10]
    assert [n["id"] for n in rest["flowSchemas"]["nodes"]] == newest_first[10:]
    assert first["flowSchemas"]["totalCount"] == len(hookable)
    assert first["flowSchemas"]["pageInfo"]["hasNextPage"] is True
    assert rest["flowSchemas"]["pageInfo"]["hasNextPage"] is False


async def test_the_dropdown_search_matches_the_start_of_any_word_in_any_case(
    database: str,
) -> None:
    crm = await create_flow_schema("CRM sync")
    crm_ticket = await create_flow_schema("crm ticket")
    sync_crm = await create_flow_schema("Sync CRM")
    await create_flow_schema("100% done")

    data = await ok(DROPDOWN, {"search": "Crm"})
    percent = await ok(DROPDOWN, {"search": "%"})

    assert [n["id"] for n in data["flowSchemas"]["nodes"]] == [
        gid("FlowSchema", s.pk) for s in (sync_crm, crm_ticket, crm)
    ]
    assert data["flowSchemas"]["totalCount"] == 3
    assert percent["flowSchemas"]["nodes"] == [], "wildcards in the search are literal"


async def test_the_dropdown_search_splits_words_on_spaces_and_punctuation(
    database: str,
) -> None:
    words = {
        name: await create_flow_schema(name)
        for name in [
            "CRM sync",
            "billing:Sync",
            "crm-sync export",
            "CRM_SYNC (nightly)",
            "ärger-Über sync",
            "async job",
            "Resync",
        ]
    }

    def found(data: dict[str, Any]) -> set[str]:
        return {n["name"] for n in data["flowSchemas"]["nodes"]}

    sync = await ok(DROPDOWN, {"search": "sync"})
    two_words = await ok(DROPDOWN, {"search": "crm sy"})
    punctuated = await ok(DROPDOWN, {"search": "Billing: s"})
    other_script = await ok(DROPDOWN, {"search": "über S"})
    inside_a_word = await ok(DROPDOWN, {"search": "rm sync"})

    assert found(sync) == set(words) - {"async job", "Resync"}
    assert sync["flowSchemas"]["totalCount"] == len(words) - 2
    assert found(two_words) == {"CRM sync", "crm-sync export", "CRM_SYNC (nightly)"}
    assert found(punctuated) == {"billing:Sync"}
    assert found(other_script) == {"ärger-Über sync"}
    assert found(inside_a_word) == set()


async def test_the_dropdown_can_ask_for_other_types(database: str) -> None:
    voice = await create_flow_schema("IVR", schema_type=FlowSchemaType.VOICE)
    await create_flow_schema("CRM")

    data = await ok(DROPDOWN, {"types": ["VOICE"]})

    assert data["flowSchemas"]["nodes"] == [
        {"id": gid("FlowSchema", voice.pk), "name": "IVR", "type": "VOICE"}
    ]


async def test_queues_by_name_with_search(database: str) -> None:
    b = await create_queue("Billing")
    a = await create_queue("alpha outbound")
    await create_queue("Beta", tenant=OTHER_TENANT)

    everything = await ok("{ queues { totalCount nodes { id name } } }")
    searched = await ok('{ queues(search: "BIL") { nodes { id } } }')
    by_a_later_word = await ok('{ queues(search: "OUTB") { nodes { id } } }')
    inside_a_word = await ok('{ queues(search: "lling") { nodes { id } } }')

    names = [n["name"] for n in everything["queues"]["nodes"]]
    assert sorted(names) == sorted([a.name, b.name])
    assert everything["queues"]["totalCount"] == 2
    assert searched["queues"]["nodes"] == [{"id": gid("Queue", b.pk)}]
    assert by_a_later_word["queues"]["nodes"] == [{"id": gid("Queue", a.pk)}]
    assert inside_a_word["queues"]["nodes"] == []


async def test_queue_and_flow_schema_by_id_and_node(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema)

    data = await ok(
        """query($q: ID!, $s: ID!, $h: ID!) {
             queue(id: $q) { id name type }
             flowSchema(id: $s) { id name type }
             queueHook(id: $h) { id event }
             q: node(id: $q) { __typename id }
             s: node(id: $s) { __typename id }
             h: node(id: $h) { __typename id ... on QueueHook { enabled } }
           }""",
        {
            "q": gid("Queue", queue.pk),
            "s": gid("FlowSchema", schema.pk),
            "h": gid("QueueHook", hook.pk),
        },
    )

    assert data["queue"] == {
        "id": gid("Queue", queue.pk),
        "name": queue.name,
        "type": "OUTBOUND_IVR",
    }
    assert data["flowSchema"] == {
        "id": gid("FlowSchema", schema.pk),
        "name": schema.name,
        "type": "SERVICE",
    }
    assert data["queueHook"] == {"id": gid("QueueHook", hook.pk), "event": "JOINED"}
    assert data["q"] == {"__typename": "Queue", "id": gid("Queue", queue.pk)}
    assert data["s"] == {"__typename": "FlowSchema", "id": gid("FlowSchema", schema.pk)}
    assert data["h"] == {
        "__typename": "QueueHook",
        "id": gid("QueueHook", hook.pk),
        "enabled": True,
    }


def test_node_finds_every_type_that_implements_node() -> None:
    types = core_schema(SCHEMA).type_map.values()
    nodes = {
        t.name
        for t in types
        if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)
    }

    assert {name: lookup.type_name for name, lookup in NODES.items()} == {n: n for n in nodes}


async def test_lookups_of_missing_ids_are_null(database: str) -> None:
    queue = await create_queue()

    data = await ok(
        """query($q: ID!, $wrongType: ID!) {
             queue(id: $wrongType) { id } queueHook(id: $q) { id } node(id: $wrongType) { id }
           }""",
        {"q": gid("Queue", queue.pk), "wrongType": gid("Queue", 999)},
    )

    assert data == {"queue": None, "queueHook": None, "node": None}


async def test_create_rename_and_delete_a_queue(database: str) -> None:
    created = await ok(
        """mutation { createQueue(input: {name: "  Dialer  ", type: PREDICTIVE_DIALER}) {
             __typename ... on CreateQueueSuccess { queue { id name type } } } }"""
    )
    queue_id = created["createQueue"]["queue"]["id"]
    renamed = await ok(
        """mutation($id: ID!) { renameQueue(id: $id, name: "Sales dialer") {
             __typename ... on RenameQueueSuccess { queue { name } } } }""",
        {"id": queue_id},
    )
    queue = await Queue.get(name="Sales dialer")
    schema = await create_flow_schema()
    hooks = [
        await create_hook(queue, schema, e) for e in (QueueHookEvent.JOINED, QueueHookEvent.MISSED)
    ]
    deleted = await ok(
        """mutation($id: ID!) { deleteQueue(id: $id) {
             __typename ... on DeleteQueueSuccess { deletedId deletedHookIds } } }""",
        {"id": queue_id},
    )

    assert created["createQueue"]["queue"]["name"] == "Dialer"
    assert created["createQueue"]["queue"]["type"] == "PREDICTIVE_DIALER"
    assert renamed["renameQueue"] == {
        "__typename": "RenameQueueSuccess",
        "queue": {"name": "Sales dialer"},
    }
    assert deleted["deleteQueue"] == {
        "__typename": "DeleteQueueSuccess",
        "deletedId": queue_id,
        "deletedHookIds": [gid("QueueHook", h.pk) for h in hooks],
    }
    assert await Queue.all().count() == 0
    assert await QueueHook.all().count() == 0


async def test_queue_mutation_errors(database: str) -> None:
    foreign = await create_queue(tenant=OTHER_TENANT)
    foreign_id = gid("Queue", foreign.pk)

    empty = await ok(
        """mutation { createQueue(input: {name: "   ", type: INBOUND}) {
             __typename ... on InvalidInputError { field code } } }"""
    )
    too_long = await ok(
        """mutation($n: String!) { createQueue(input: {name: $n, type: INBOUND}) {
             __typename ... on InvalidInputError { field } } }""",
        {"n": "x" * 201},
    )
    rename = await ok(
        """mutation($id: ID!) { renameQueue(id: $id, name: "mine now") {
             __typename ... on NotFoundError { ids } } }""",
        {"id": foreign_id},
    )
    delete = await ok(
        """mutation($id: ID!) { deleteQueue(id: $id) { __typename ... on NotFoundError { ids } } }""",
        {"id": foreign_id},
    )

    assert empty["createQueue"] == {
        "__typename": "InvalidInputError",
        "field": "name",
        "code": "INVALID_INPUT",
    }
    assert too_long["createQueue"] == {"__typename": "InvalidInputError", "field": "name"}
    assert rename["renameQueue"] == {"__typename": "NotFoundError", "ids": [foreign_id]}
    assert delete["deleteQueue"] == {"__typename": "NotFoundError", "ids": [foreign_id]}
    assert (await Queue.get(id=foreign.pk)).name == foreign.name


async def test_create_rename_and_delete_a_flow_schema(database: str) -> None:
    created = await ok(
        """mutation { createFlowSchema(input: {name: "Webhook", type: SERVICE}) {
             __typename ... on CreateFlowSchemaSuccess { flowSchema { id name type } } } }"""
    )
    schema_id = created["createFlowSchema"]["flowSchema"]["id"]
    renamed = await ok(
        """mutation($id: ID!) { renameFlowSchema(id: $id, name: "Webhook v2") {
             __typename ... on RenameFlowSchemaSuccess { flowSchema { name } } } }""",
        {"id": schema_id},
    )
    deleted = await ok(
        """mutation($id: ID!) { deleteFlowSchema(id: $id) {
             __typename ... on DeleteFlowSchemaSuccess { deletedId } } }""",
        {"id": schema_id},
    )

    assert created["createFlowSchema"]["flowSchema"]["type"] == "SERVICE"
    assert renamed["renameFlowSchema"]["flowSchema"] == {"name": "Webhook v2"}
    assert deleted["deleteFlowSchema"] == {
        "__typename": "DeleteFlowSchemaSuccess",
        "deletedId": schema_id,
    }
    assert await FlowSchema.all().count() == 0


async def test_a_flow_schema_in_use_cannot_be_deleted(database: str) -> None:
    schema = await create_flow_schema()
    for queue_name in ("a", "b"):
        await create_hook(await create_queue(queue_name), schema)

    data = await ok(
        """mutation($id: ID!) { deleteFlowSchema(id: $id) {
             __typename ... on FlowSchemaInUseError { hookCount message code } } }""",
        {"id": gid("FlowSchema", schema.pk)},
    )

    assert data["deleteFlowSchema"] == {
        "__typename": "FlowSchemaInUseError",
        "hookCount": 2,
        "message": "2 hooks use this flow schema; remove or change them first",
        "code": "FLOW_SCHEMA_IN_USE",
    }
    assert await FlowSchema.filter(id=schema.pk).exists()


async def test_flow_schema_mutation_errors(database: str) -> None:
    foreign = await create_flow_schema(tenant=OTHER_TENANT)
    foreign_id = gid("FlowSchema", foreign.pk)

    rename = await ok(
        """mutation($id: ID!) { renameFlowSchema(id: $id, name: "x") {
             __typename ... on NotFoundError { ids } } }""",
        {"id": foreign_id},
    )
    delete = await ok(
        """mutation($id: ID!) { deleteFlowSchema(id: $id) { __typename ... on NotFoundError { ids } } }""",
        {"id": foreign_id},
    )
    create = await ok(
        """mutation { createFlowSchema(input: {name: "", type: SERVICE}) {
             __typename ... on InvalidInputError { field } } }"""
    )

    assert rename["renameFlowSchema"] == {"__typename": "NotFoundError", "ids": [foreign_id]}
    assert delete["deleteFlowSchema"] == {"__typename": "NotFoundError", "ids": [foreign_id]}
    assert create["createFlowSchema"] == {"__typename": "InvalidInputError", "field": "name"}
    assert (await FlowSchema.get(id=foreign.pk)).name == foreign.name
