from typing import Annotated

import strawberry

from app.graphql.context import Info
from app.graphql.flow_schemas.types import FlowSchema
from app.graphql.hooks.types import QueueHook
from app.graphql.ids import parse_global_id
from app.graphql.queues.types import Queue
from app.graphql.relay import Node
from app.services import flow_schemas as schema_service
from app.services import hooks as hook_service
from app.services import queues as queue_service


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description="Any object by its global id, or null if it does not exist for your tenant."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        type_name, pk = parse_global_id(id)
        principal = info.context.principal
        if type_name == "QueueHook":
            hook = await hook_service.get_hook(principal, pk)
            return QueueHook.from_model(hook) if hook else None
        if type_name == "Queue":
            queue = await queue_service.get_queue(principal, pk)
            return Queue.from_model(queue) if queue else None
        if type_name == "FlowSchema":
            schema = await schema_service.get_flow_schema(principal, pk)
            return FlowSchema.from_model(schema) if schema else None
        return None
