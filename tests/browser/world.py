"""Data for a browser test, made over the API as any client would (tenant `demo`)."""

from dataclasses import dataclass, field
from typing import Any

from tests.live.servers import Server, token

TENANT = "demo"


def demo_token(permissions: tuple[str, ...] | None = None) -> str:
    if permissions is None:
        return token(tenant=TENANT)
    return token(tenant=TENANT, permissions=permissions)


async def call(server: Server, query: str, **variables: Any) -> dict[str, Any]:
    return await server.graphql(query, variables, bearer=demo_token())


@dataclass
class QueueWorld:
    server: Server
    queue_id: str
    schema_ids: dict[str, str] = field(default_factory=dict)
    hook_ids: dict[str, str] = field(default_factory=dict)  # by flow schema name

    @property
    def path(self) -> str:
        return f"/#/queues/{self.queue_id}/hooks"

    async def schema(self, name: str, kind: str = "SERVICE") -> str:
        data = await call(
            self.server,
            "mutation($i: CreateFlowSchemaInput!) { createFlowSchema(input: $i) {"
            " __typename ... on CreateFlowSchemaSuccess { flowSchema { id } } } }",
            i={"name": name, "type": kind},
        )
        schema_id: str = data["createFlowSchema"]["flowSchema"]["id"]
        self.schema_ids[name] = schema_id
        return schema_id

    async def hook(self, schema_name: str, event: str = "JOINED", enabled: bool = False) -> str:
        """A hook running a new flow schema called `schema_name` (the row's unique text)."""
        schema_id = self.schema_ids.get(schema_name) or await self.schema(schema_name)
        data = await call(
            self.server,
            "mutation($i: CreateQueueHookInput!) { createQueueHook(input: $i) {"
            " __typename ... on CreateQueueHookSuccess { hook { id } } } }",
            i={
                "queueId": self.queue_id,
                "event": event,
                "flowSchemaId": schema_id,
                "enabled": enabled,
            },
        )
        hook_id: str = data["createQueueHook"]["hook"]["id"]
        self.hook_ids[schema_name] = hook_id
        return hook_id

    async def hooks(self) -> list[dict[str, Any]]:
        data = await call(
            self.server,
            "query($q: ID!) { queueHooks(queueId: $q, first: 100) {"
            " nodes { id event enabled version flowSchema { name } } } }",
            q=self.queue_id,
        )
        nodes: list[dict[str, Any]] = data["queueHooks"]["nodes"]
        return nodes

    async def set_enabled(self, schema_name: str, enabled: bool) -> None:
        await call(
            self.server,
            "mutation($id: ID!, $on: Boolean!) { setQueueHookEnabled(id: $id, enabled: $on) {"
            " __typename } }",
            id=self.hook_ids[schema_name],
            on=enabled,
        )

    async def delete(self, *schema_names: str) -> None:
        await call(
            self.server,
            "mutation($ids: [ID!]!) { deleteQueueHooks(ids: $ids) { __typename } }",
            ids=[self.hook_ids[name] for name in schema_names],
        )


async def new_queue(server: Server, name: str) -> QueueWorld:
    data = await call(
        server,
        "mutation($i: CreateQueueInput!) { createQueue(input: $i) {"
        " __typename ... on CreateQueueSuccess { queue { id } } } }",
        i={"name": name, "type": "INBOUND"},
    )
    return QueueWorld(server, data["createQueue"]["queue"]["id"])
