"""Which documents subscribe to `queueHooksChanged`, and what they ask it for.

Every such document is served by the fan-out (app/web/fanout.py). Its arguments
are coerced as execution would coerce them (variable defaults, literals, root
fragments), with graphql-core's public `get_variable_values` and
`get_argument_values`, so the fan-out and the schema read the same values.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_argument_values,
    get_operation_ast,
    get_variable_values,
    specified_rules,
    validate,
    visit,
)
from graphql.language import Visitor

from app.graphql.core_schema import core_schema
from app.graphql.extensions import parsed_document
from app.graphql.schema import Schema

LIVE_FIELD = "queueHooksChanged"


@dataclass(frozen=True, slots=True)
class LiveDocument:
    """A valid subscription document whose one root field is `queueHooksChanged`."""

    operation: OperationDefinitionNode
    field: FieldNode
    # The variable `afterRevision` takes, if the document uses it nowhere else: only
    # replay reads it, so subscribers that differ in it alone see the same payloads.
    after_variable: str | None


@dataclass(frozen=True, slots=True)
class LiveRequest:
    """What one subscriber asks for, its arguments coerced."""

    queue_id: Any  # as sent: errors name it
    after_revision: int | None
    # The variables that decide the payloads: subscribers equal in these (and in the
    # document and caller) share one execution per change.
    payload_variables: dict[str, Any]


def live_document(
    schema: strawberry.Schema, query: str, operation_name: str | None
) -> LiveDocument | None:
    """None for anything else, invalid documents included (they run the ordinary way
    and get the usual errors)."""
    assert isinstance(schema, Schema), "built by app.graphql.schema.build_schema"
    return _live_document(schema, query, operation_name)


def live_request(
    schema: strawberry.Schema, document: LiveDocument, variables: dict[str, Any]
) -> LiveRequest | None:
    """The subscriber's arguments; None if the variables do not coerce (execution
    reports why)."""
    assert isinstance(schema, Schema), "built by app.graphql.schema.build_schema"
    graphql_schema = core_schema(schema)
    coerced = get_variable_values(
        graphql_schema, document.operation.variable_definitions or (), variables
    )
    if isinstance(coerced, list):
        return None
    subscription = graphql_schema.subscription_type
    assert subscription is not None
    arguments = get_argument_values(subscription.fields[LIVE_FIELD], document.field, coerced)
    payload_variables = {k: v for k, v in variables.items() if k != document.after_variable}
    return LiveRequest(
        queue_id=arguments.get("queueId"),
        after_revision=arguments.get("afterRevision"),
        payload_variables=payload_variables,
    )


def parsed_within_limits(schema: Schema, query: str) -> DocumentNode | None:
    """The document as execution parses it (the same cache, the token limit); None
    if it does not parse."""
    try:
        return parsed_document(query, schema.limits.tokens)
    except GraphQLError:
        return None


@lru_cache(maxsize=1024)
def _live_document(schema: Schema, query: str, operation_name: str | None) -> LiveDocument | None:
    document = parsed_within_limits(schema, query)
    if document is None:
        return None
    # Valid as execution validates: the schema's own rules (depth, aliases) included.
    if validate(core_schema(schema), document, (*specified_rules, *schema.validation_rules)):
        return None
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        return None
    # Validation leaves one root field (maybe selected more than once, inside
    # fragments) without @skip or @include; execution reads the first one's arguments.
    fields = _root_fields(document, operation.selection_set)
    if not fields or any(field.name.value != LIVE_FIELD for field in fields):
        return None
    return LiveDocument(operation, fields[0], _after_variable(document, fields[0]))


def _root_fields(document: DocumentNode, selection_set: SelectionSetNode) -> list[FieldNode]:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    found: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found += _root_fields(document, selection.selection_set)
        elif isinstance(selection, FragmentSpreadNode):
            found += _root_fields(document, fragments[selection.name.value].selection_set)
    return found


def _after_variable(document: DocumentNode, field: FieldNode) -> str | None:
    for argument in field.arguments or ():
        if argument.name.value == "afterRevision" and isinstance(argument.value, VariableNode):
            name = argument.value.name.value
            return name if _uses(document, name) == 1 else None
    return None


def _uses(document: DocumentNode, variable: str) -> int:
    """How often the document reads the variable (its definition is no read)."""

    class Count(Visitor):
        def __init__(self) -> None:
            super().__init__()
            self.uses = 0

        def enter_variable_definition(self, *_: Any) -> bool:
            return False  # its own VariableNode is no read

        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            if node.name.value == variable:
                self.uses += 1

    count = Count()
    visit(document, count)
    return count.uses
