"""app/graphql/core_schema.py reads Strawberry's private `_schema`: this fails loudly
when an upgrade moves it."""

import pytest
import strawberry
from graphql import GraphQLSchema

from app.graphql.core_schema import CoreSchemaUnreachable, core_schema
from app.graphql.schema import build_schema


def test_the_graphql_core_schema_is_where_core_schema_looks() -> None:
    schema = build_schema()

    found = core_schema(schema)

    assert isinstance(found, GraphQLSchema)
    assert found.query_type is not None
    assert "queueHooks" in found.query_type.fields
    assert found.subscription_type is not None
    assert "queueHooksChanged" in found.subscription_type.fields


def test_a_schema_without_it_is_named_not_guessed() -> None:
    @strawberry.type
    class Query:
        ok: bool = True

    schema = strawberry.Schema(Query)
    del schema._schema

    with pytest.raises(CoreSchemaUnreachable, match=r"app/graphql/core_schema\.py"):
        core_schema(schema)
