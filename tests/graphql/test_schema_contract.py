"""schema.graphql is the generated, committed contract, and every part is documented."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from app.graphql.core_schema import core_schema
from app.graphql.schema import SDL_PATH, build_schema, sdl

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def test_the_committed_schema_matches_the_code() -> None:
    assert SDL_PATH.read_text() == sdl(), "run `make schema` and commit schema.graphql"


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    schema = core_schema(build_schema())
    missing: list[str] = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg_name})"
                    for arg_name, arg in field.args.items()
                    if not arg.description
                ]
        if isinstance(graphql_type, GraphQLInputObjectType):
            missing += [
                f"{name}.{f}" for f, field in graphql_type.fields.items() if not field.description
            ]
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [
                f"{name}.{v}" for v, value in graphql_type.values.items() if not value.description
            ]
        if isinstance(graphql_type, GraphQLUnionType):
            assert graphql_type.types

    assert missing == []


def test_the_contract_names_are_there() -> None:
    text = sdl()

    for name in [
        "interface Node",
        "interface Error",
        "queueHooks(",
        "type QueueHookConnection",
        "totalCount: Int!",
        "flowSchemas(",
        "enum QueueHookEvent",
        "createQueueHook(",
        "updateQueueHook(",
        "setQueueHookEnabled(",
        "deleteQueueHooks(",
        "): Node\n",
    ]:
        assert name in text, name
