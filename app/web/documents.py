"""Parsed GraphQL documents, cached by their text, for the web layer's own looks at
a document (operation type, cache and sharing plans) before Strawberry runs it."""

from functools import lru_cache
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationType,
    get_operation_ast,
    parse,
)

from app.core.identity import Principal


@lru_cache(maxsize=1024)
def parsed(query: str) -> DocumentNode | None:
    """The document, or None if it does not parse (execution reports why)."""
    try:
        return parse(query)
    except GraphQLError:
        return None


def single_root_field(
    document: DocumentNode, operation_name: str | None, kind: OperationType, name: str
) -> FieldNode | None:
    """The operation's root field if it is its only one, a `kind` operation's field
    `name` without directives; None otherwise (the document runs the ordinary way)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not kind:
        return None
    roots = operation.selection_set.selections
    if len(roots) != 1 or not isinstance(roots[0], FieldNode):
        return None
    root = roots[0]
    if root.name.value != name or root.directives:
        return None
    return root


def request_key(
    principal: Principal, query: str, operation_name: str | None, variables: dict[str, Any] | None
) -> tuple[Any, ...]:
    """Requests with equal keys get equal answers: the same operation and variables
    from callers of the same tenant with the same permissions."""
    return (
        principal.tenant,
        principal.permissions,
        query,
        operation_name,
        orjson.dumps(variables, option=orjson.OPT_SORT_KEYS),
    )
