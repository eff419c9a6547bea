"""fast_serializer answers exactly what the type's own serialize does, errors included."""

from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLString

from app.graphql.core_schema import core_schema
from app.graphql.enums import QueueHookEvent
from app.graphql.leaves import fast_serializer
from app.graphql.schema import build_schema
from app.models import QueueHookEvent as DomainEvent

SCHEMA = core_schema(build_schema())
GraphQLEvent = SCHEMA.type_map["QueueHookEvent"]
DateTime = SCHEMA.type_map["DateTime"]

VALUES: list[Any] = [
    "text", "", 0, 1, -1, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, True, False, 1.0, 1.5,
    None, [], QueueHookEvent.JOINED, QueueHookEvent.MISSED, DomainEvent.JOINED,
    datetime(2026, 11, 30, tzinfo=UTC), "JOINED",
]  # fmt: skip


def outcome(serialize: Any, value: Any) -> Any:
    try:
        return ("value", type(value), serialize(value))
    except Exception as error:  # the same error either way, whatever its class
        return ("error", type(error), str(error))


@pytest.mark.parametrize(
    "leaf", [GraphQLString, GraphQLID, GraphQLBoolean, GraphQLInt, GraphQLEvent, DateTime]
)
def test_the_fast_serializer_answers_as_the_type_does(leaf: Any) -> None:
    fast = fast_serializer(leaf)
    for _ in range(2):  # the enum's names are kept after the first time
        for value in VALUES:
            expected = outcome(leaf.serialize, value)
            got = outcome(fast, value)
            assert got == expected, value
