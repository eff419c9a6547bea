"""Serialising leaf values (scalars and enums) with less work where that is exact.

graphql-core serialises every leaf through its general checks (`serialize_string`
and friends, Strawberry's enum lookup by value). For the values a page is made of
those checks are the identity: a `str` for String and ID, a `bool` for Boolean, an
`int` within 32 bits for Int, an enum member always to the same name. The faster
serialisers here return those values directly and hand anything else to the type's
own `serialize`, so results and errors stay the ones graphql-core would give.
"""

from collections.abc import Callable
from enum import Enum
from typing import Any

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLScalarType,
    GraphQLString,
)


def serialized_as_is(leaf: GraphQLScalarType | GraphQLEnumType) -> type | None:
    """The Python type whose values (that exact type) this leaf type serialises to
    themselves: `str` for String and ID, `bool` for Boolean; None for the others."""
    if leaf is GraphQLString or leaf is GraphQLID:
        return str
    if leaf is GraphQLBoolean:
        return bool
    return None


def fast_serializer(leaf: GraphQLScalarType | GraphQLEnumType) -> Callable[[Any], Any]:
    """The leaf type's `serialize`, with the common exact cases answered directly."""
    serialize = leaf.serialize
    as_is = serialized_as_is(leaf)
    if as_is is not None:
        return lambda value: value if type(value) is as_is else serialize(value)
    if leaf is GraphQLInt:
        return lambda value: (
            value
            if type(value) is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT
            else serialize(value)
        )
    if isinstance(leaf, GraphQLEnumType):
        return _enum_serializer(serialize)
    return serialize


def _enum_serializer(serialize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # Each member's name, once serialised. Keyed by id(): a member lives as long as its
    # class, so its id is never another object's; Enum's own __hash__ is Python code.
    names: dict[int, Any] = {}

    def serialize_member(value: Any) -> Any:
        found = names.get(id(value))
        if found is not None:
            return found
        name = serialize(value)
        if isinstance(value, Enum):
            names[id(value)] = name
        return name

    return serialize_member
