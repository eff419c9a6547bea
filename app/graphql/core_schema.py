"""The graphql-core schema under Strawberry's, for the checks that run graphql-core's
validation and cost rules on a document before (or without) Strawberry executing it.

Strawberry has no public accessor for it; its maintainers point to the private
`_schema`. This is the one place that reads it, and tests/graphql/test_core_schema.py
fails, naming this file, if an upgrade moves it.
"""

from graphql import GraphQLSchema
from strawberry.schema.base import BaseSchema


class CoreSchemaUnreachable(RuntimeError):
    """Strawberry changed: the graphql-core schema is no longer where this looks."""


def core_schema(schema: BaseSchema) -> GraphQLSchema:
    found = getattr(schema, "_schema", None)
    if not isinstance(found, GraphQLSchema):
        raise CoreSchemaUnreachable(
            f"{type(schema).__name__} keeps no graphql-core schema in `_schema`: "
            "see app/graphql/core_schema.py"
        )
    return found
