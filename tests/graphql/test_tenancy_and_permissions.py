"""Another tenant's objects are "not found"; a missing permission is FORBIDDEN."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.core.identity import ALL_PERMISSIONS, Permission
from app.models import FlowSchema, Queue, QueueHook
from tests.factories import OTHER_TENANT, create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid, principal, run


@dataclass
class World:
    queue: Queue
    schema: FlowSchema
    hook: QueueHook

    @property
    def ids(self) -> dict[str, str]:
        return {
            "q": gid("Queue", self.queue.pk),
            "s": gid("FlowSchema", self.schema.pk),
            "h": gid("QueueHook", self.hook.pk),
        }


@dataclass
class Operation:
    name: str
    document: str
    permission: Permission
    # What another tenant gets back for the owner's ids, given the result's data.
    foreign_outcome: Callable[[dict[str, Any]], Any]


def typename(field: str) -> Callable[[dict[str, Any]], Any]:
    return lambda data: data[field]["__typename"]


def value(field: str) -> Callable[[dict[str, Any]], Any]:
    return lambda data: data[field]


OPERATIONS = [
    Operation(
        "queue", "query($q: ID!) { queue(id: $q) { id } }", Permission.QUEUES_READ, value("queue")
    ),
    Operation(
        "queueHooks",
        "query($q: ID!) { queueHooks(queueId: $q) { totalCount } }",
        Permission.QUEUES_READ,
        value("queueHooks"),
    ),
    Operation(
        "queueHook",
        "query($h: ID!) { queueHook(id: $h) { id } }",
        Permission.QUEUES_READ,
        value("queueHook"),
    ),
    Operation(
        "node", "query($h: ID!) { node(id: $h) { id } }", Permission.QUEUES_READ, value("node")
    ),
    Operation(
        "queues",
        "{ queues { totalCount } }",
        Permission.QUEUES_READ,
        lambda d: d["queues"]["totalCount"],
    ),
    Operation(
        "flowSchema",
        "query($s: ID!) { flowSchema(id: $s) { id } }",
        Permission.FLOWS_READ,
        value("flowSchema"),
    ),
    Operation(
        "flowSchemas",
        "{ flowSchemas { totalCount } }",
        Permission.FLOWS_READ,
        lambda d: d["flowSchemas"]["totalCount"],
    ),
    Operation(
        "createQueueHook",
        """mutation($q: ID!, $s: ID!) { createQueueHook(input: {queueId: $q, event: ACTIVE,
             flowSchemaId: $s, enabled: false}) { __typename } }""",
        Permission.QUEUES_WRITE,
        typename("createQueueHook"),
    ),
    Operation(
        "updateQueueHook",
        "mutation($h: ID!) { updateQueueHook(input: {id: $h, enabled: false}) { __typename } }",
        Permission.QUEUES_WRITE,
        typename("updateQueueHook"),
    ),
    Operation(
        "setQueueHookEnabled",
        "mutation($h: ID!) { setQueueHookEnabled(id: $h, enabled: false) { __typename } }",
        Permission.QUEUES_WRITE,
        typename("setQueueHookEnabled"),
    ),
    Operation(
        "deleteQueueHooks",
        "mutation($h: ID!) { deleteQueueHooks(ids: [$h]) { __typename } }",
        Permission.QUEUES_WRITE,
        typename("deleteQueueHooks"),
    ),
    Operation(
        "renameQueue",
        'mutation($q: ID!) { renameQueue(id: $q, name: "x") { __typename } }',
        Permission.QUEUES_WRITE,
        typename("renameQueue"),
    ),
    Operation(
        "deleteQueue",
        "mutation($q: ID!) { deleteQueue(id: $q) { __typename } }",
        Permission.QUEUES_WRITE,
        typename("deleteQueue"),
    ),
    Operation(
        "createQueue",
        'mutation { createQueue(input: {name: "x", type: INBOUND}) { __typename } }',
        Permission.QUEUES_WRITE,
        typename("createQueue"),
    ),
    Operation(
        "renameFlowSchema",
        'mutation($s: ID!) { renameFlowSchema(id: $s, name: "x") { __typename } }',
        Permission.FLOWS_WRITE,
        typename("renameFlowSchema"),
    ),
    Operation(
        "deleteFlowSchema",
        "mutation($s: ID!) { deleteFlowSchema(id: $s) { __typename } }",
        Permission.FLOWS_WRITE,
        typename("deleteFlowSchema"),
    ),
    Operation(
        "createFlowSchema",
        'mutation { createFlowSchema(input: {name: "x", type: SERVICE}) { __typename } }',
        Permission.FLOWS_WRITE,
        typename("createFlowSchema"),
    ),
]

FOREIGN_OUTCOME = {
    "queue": None,
    "queueHooks": None,
    "queueHook": None,
    "node": None,
    "queues": 0,
    "flowSchema": None,
    "flowSchemas": 0,
    "createQueueHook": "NotFoundError",
    "updateQueueHook": "NotFoundError",
    "setQueueHookEnabled": "NotFoundError",
    "deleteQueueHooks": "NotFoundError",
    "renameQueue": "NotFoundError",
    "deleteQueue": "NotFoundError",
    "createQueue": "CreateQueueSuccess",
    "renameFlowSchema": "NotFoundError",
    "deleteFlowSchema": "NotFoundError",
    "createFlowSchema": "CreateFlowSchemaSuccess",
}


async def given_an_owner_world() -> World:
    queue = await create_queue()
    schema = await create_flow_schema()
    return World(queue=queue, schema=schema, hook=await create_hook(queue, schema))


async def owner_rows() -> list[Any]:
    return [
        await Queue.filter(tenant="acme").order_by("id").values_list("id", "name"),
        await FlowSchema.filter(tenant="acme").order_by("id").values_list("id", "name"),
        await QueueHook.all().order_by("id").values_list("id", "enabled", "version"),
    ]


def variables_for(document: str, world: World) -> dict[str, str]:
    return {k: v for k, v in world.ids.items() if f"${k}" in document}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
async def test_another_tenant_sees_nothing_and_changes_nothing(
    database: str, operation: Operation
) -> None:
    world = await given_an_owner_world()
    before = await owner_rows()

    result = await run(
        operation.document,
        variables_for(operation.document, world),
        principal(tenant=OTHER_TENANT),
    )

    assert result.errors == []
    assert result.data is not None
    assert operation.foreign_outcome(result.data) == FOREIGN_OUTCOME[operation.name]
    assert await owner_rows() == before


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
async def test_a_missing_permission_is_forbidden(database: str, operation: Operation) -> None:
    world = await given_an_owner_world()
    before = await owner_rows()
    others = tuple(p for p in ALL_PERMISSIONS if p != operation.permission)

    result = await run(
        operation.document, variables_for(operation.document, world), principal(permissions=others)
    )

    assert result.data == {operation.name: None}
    assert [(e["path"], e["extensions"]) for e in result.errors] == [
        ([operation.name], {"code": "FORBIDDEN", "permission": operation.permission.value})
    ]
    assert await owner_rows() == before


async def test_a_hook_shows_its_flow_schema_to_a_reader_without_flows_read(database: str) -> None:
    world = await given_an_owner_world()

    result = await run(
        "query($h: ID!) { queueHook(id: $h) { flowSchema { name } } }",
        {"h": world.ids["h"]},
        principal(permissions=(Permission.QUEUES_READ,)),
    )

    assert result.errors == []
    assert result.data == {"queueHook": {"flowSchema": {"name": world.schema.name}}}
