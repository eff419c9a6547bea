"""Which subscription documents can be shared, and where their arguments come from."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    GraphQLError,
    IntValueNode,
    OperationType,
    StringValueNode,
    VariableNode,
    specified_rules,
    validate,
)

from app.graphql.core_schema import core_schema
from app.graphql.extensions import parsed_document
from app.graphql.schema import Schema
from app.web.documents import single_root_field


@dataclass(frozen=True, slots=True)
class LivePlan:
    queue_variable: str | None
    queue_literal: str | None
    after_variable: str | None
    after_literal: int | None

    def queue_id(self, variables: dict[str, Any]) -> Any:
        if self.queue_literal is not None:
            return self.queue_literal
        return variables.get(self.queue_variable or "")

    def after_revision(self, variables: dict[str, Any]) -> int | None:
        if self.after_literal is not None:
            return self.after_literal
        value = variables.get(self.after_variable or "")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def live_plan(schema: strawberry.Schema, query: str, operation_name: str | None) -> LivePlan | None:
    assert isinstance(schema, Schema), "built by app.graphql.schema.build_schema"
    return _plan(schema, query, operation_name)


def parsed_within_limits(schema: Schema, query: str) -> DocumentNode | None:
    """The document as execution parses it (the same cache, the token limit); None
    if it does not parse."""
    try:
        return parsed_document(query, schema.limits.tokens)
    except GraphQLError:
        return None


@lru_cache(maxsize=1024)
def _plan(schema: Schema, query: str, operation_name: str | None) -> LivePlan | None:
    """A plan for a valid document whose one root field is `queueHooksChanged`.

    Valid as execution validates: the schema's own rules (depth, aliases) included.
    Anything else (invalid documents included, so that they get the usual errors)
    runs as an ordinary operation.
    """
    document = parsed_within_limits(schema, query)
    if document is None:
        return None
    if validate(core_schema(schema), document, (*specified_rules, *schema.validation_rules)):
        return None
    root = single_root_field(
        document, operation_name, OperationType.SUBSCRIPTION, "queueHooksChanged"
    )
    if root is None:
        return None
    plan: dict[str, Any] = {
        "queue_variable": None,
        "queue_literal": None,
        "after_variable": None,
        "after_literal": None,
    }
    for argument in root.arguments or ():
        name = "queue" if argument.name.value == "queueId" else "after"
        if isinstance(argument.value, VariableNode):
            plan[f"{name}_variable"] = argument.value.name.value
        elif isinstance(argument.value, StringValueNode):
            plan[f"{name}_literal"] = argument.value.value
        elif isinstance(argument.value, IntValueNode):
            plan[f"{name}_literal"] = int(argument.value.value)
    return LivePlan(**plan)
