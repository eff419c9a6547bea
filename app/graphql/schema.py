"""The schema, composed from each domain's query and mutation roots."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from opentelemetry.trace import TracerProvider
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.graphql.execution import FastLeavesExecutionContext
from app.graphql.extensions import ClassifyErrors, ParseCache
from app.graphql.flow_schemas.mutations import FlowSchemaMutations
from app.graphql.flow_schemas.queries import FlowSchemaQueries
from app.graphql.flow_schemas.types import FlowSchema
from app.graphql.hooks.mutations import HookMutations
from app.graphql.hooks.queries import HookQueries
from app.graphql.hooks.subscriptions import HookSubscriptions
from app.graphql.hooks.types import QueueHook
from app.graphql.limits import FormulaCache, cost_limit
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
    # Set by build_schema: what transports that check a document before running it
    # (shared subscriptions) need to apply the same limits.
    limits: "OperationLimits"
    validation_rules: tuple[type[ASTValidationRule], ...]
    cost_formulas: FormulaCache

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # ClassifyErrors logs the unexpected ones; expected outcomes (FORBIDDEN,
        # BAD_USER_INPUT, validation) are answers, not incidents.
        return None


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws).")
class Subscription(HookSubscriptions):
    pass


@dataclass(frozen=True, slots=True)
class OperationLimits:
    depth: int = 12
    aliases: int = 30
    tokens: int = 2000
    cost: int = 10_000


def build_schema(
    *,
    mask_internal_errors: bool = False,
    fast_leaves: bool = True,
    introspection: bool = True,
    suggestions: bool = True,
    limits: OperationLimits | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Schema:
    limits = limits or OperationLimits()
    # The rule classes are made once: the validation cache is keyed by them, and
    # Strawberry's limiters would make new ones on every request (every miss).
    rules: list[type[ASTValidationRule]] = [
        *QueryDepthLimiter(max_depth=limits.depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.aliases).validation_rules,
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    formulas = FormulaCache(maxsize=1024)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ClassifyErrors(
            mask_internal=mask_internal_errors, hide_suggestions=not suggestions
        ),
        lambda: MaxTokensLimiter(max_token_count=limits.tokens),
        ParseCache,
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=1024),
        cost_limit(limits.cost, formulas),
    ]
    if tracer_provider is not None:
        extensions.append(lambda: OpenTelemetryExtension(tracer_provider=tracer_provider))
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Queue, QueueHook, FlowSchema],
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=FastLeavesExecutionContext if fast_leaves else None,
        extensions=extensions,
    )
    schema.limits = limits
    schema.validation_rules = tuple(rules)
    schema.cost_formulas = formulas
    return schema


def sdl() -> str:
    return build_schema().as_str() + "\n"
