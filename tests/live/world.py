"""Set up and change a queue's hooks through a server's GraphQL API."""

from dataclasses import dataclass

from tests.live.servers import Server


@dataclass
class World:
    queue_id: str
    schema_id: str


async def given_a_queue(server: Server, bearer: str | None = None) -> World:
    queue = await server.graphql(
        'mutation { createQueue(input: {name: "Outbound IVR", type: OUTBOUND_IVR}) '
        "{ ... on CreateQueueSuccess { queue { id } } } }",
        bearer=bearer,
    )
    schema = await server.graphql(
        'mutation { createFlowSchema(input: {name: "CRM sync", type: SERVICE}) '
        "{ ... on CreateFlowSchemaSuccess { flowSchema { id } } } }",
        bearer=bearer,
    )
    return World(
        queue_id=queue["createQueue"]["queue"]["id"],
        schema_id=schema["createFlowSchema"]["flowSchema"]["id"],
    )


async def create_hook(
    server: Server,
    world: World,
    event: str = "JOINED",
    enabled: bool = False,
    bearer: str | None = None,
) -> str:
    data = await server.graphql(
        """mutation($q: ID!, $s: ID!, $e: QueueHookEvent!, $on: Boolean!) {
             createQueueHook(input: {queueId: $q, flowSchemaId: $s, event: $e, enabled: $on}) {
               __typename ... on CreateQueueHookSuccess { hook { id } } } }""",
        {"q": world.queue_id, "s": world.schema_id, "e": event, "on": enabled},
        bearer=bearer,
    )
    assert data["createQueueHook"]["__typename"] == "CreateQueueHookSuccess", data
    hook_id: str = data["createQueueHook"]["hook"]["id"]
    return hook_id


async def toggle(server: Server, hook_id: str, enabled: bool) -> None:
    data = await server.graphql(
        """mutation($id: ID!, $on: Boolean!) { setQueueHookEnabled(id: $id, enabled: $on) {
             __typename } }""",
        {"id": hook_id, "on": enabled},
    )
    assert data["setQueueHookEnabled"]["__typename"] == "SetQueueHookEnabledSuccess", data


async def revision(server: Server, world: World) -> int:
    data = await server.graphql(
        "query($q: ID!) { queue(id: $q) { revision } }", {"q": world.queue_id}
    )
    value: int = data["queue"]["revision"]
    return value
