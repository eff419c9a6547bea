"""The schema, composed from each domain's query and mutation roots."""

from pathlib import Path

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.graphql.execution import FastLeavesExecutionContext
from app.graphql.extensions import ClassifyErrors
from app.graphql.flow_schemas.mutations import FlowSchemaMutations
from app.graphql.flow_schemas.queries import FlowSchemaQueries
from app.graphql.flow_schemas.types import FlowSchema
from app.graphql.hooks.mutations import HookMutations
from app.graphql.hooks.queries import HookQueries
from app.graphql.hooks.subscriptions import HookSubscriptions
from app.graphql.hooks.types import QueueHook
from app.graphql.node import NodeQueries
from app.graphql.queues.mutations import QueueMutations
from app.graphql.queues.queries import QueueQueries
from app.graphql.queues.types import Queue

SDL_PATH = Path(__file__).resolve().parents[2] / "schema.graphql"


@strawberry.type(description="Read the registry: queues, their hooks, flow schemas.")
class Query(NodeQueries, QueueQueries, HookQueries, FlowSchemaQueries):
    pass


@strawberry.type(
    description="Change the registry. Expected failures come back as typed errors in each "
    "field's result union; nothing changes when a mutation fails."
)
class Mutation(HookMutations, QueueMutations, FlowSchemaMutations):
    pass


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # ClassifyErrors logs the unexpected ones; expected outcomes (FORBIDDEN,
        # BAD_USER_INPUT, validation) are answers, not incidents.
        return None


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws).")
class Subscription(HookSubscriptions):
    pass


def build_schema(
    *, mask_internal_errors: bool = False, fast_leaves: bool = True, introspection: bool = True
) -> Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Queue, QueueHook, FlowSchema],
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=FastLeavesExecutionContext if fast_leaves else None,
        extensions=[
            lambda: ClassifyErrors(mask_internal=mask_internal_errors),
            lambda: ParserCache(maxsize=1024),
            *(
                []
                if introspection
                else [lambda: AddValidationRules([NoSchemaIntrospectionCustomRule])]
            ),
            lambda: ValidationCache(maxsize=1024),
        ],
    )


def sdl() -> str:
    return build_schema().as_str() + "\n"
