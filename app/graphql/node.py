from typing import Annotated, Any

import strawberry

from app.graphql.context import Info
from app.graphql.flow_schemas.types import FLOW_SCHEMAS
from app.graphql.hooks.types import QUEUE_HOOKS
from app.graphql.ids import parse_global_id
from app.graphql.queues.types import QUEUES
from app.graphql.relay import Node, NodeLookup

NODES: dict[str, NodeLookup[Any, Node]] = {
    lookup.type_name: lookup for lookup in (QUEUE_HOOKS, QUEUES, FLOW_SCHEMAS)
}


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
        lookup = NODES.get(type_name)
        return None if lookup is None else await lookup.by_pk(info, pk)
