"""The fast path for plain leaves answers exactly what graphql-core's own path does."""

import asyncio
from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from app.graphql.context import Context
from app.graphql.execution import FastLeavesExecutionContext
from app.graphql.schema import build_schema
from app.models import QueueHookEvent
from tests.factories import create_flow_schema, create_hook, create_queue
from tests.graphql.client import SETTINGS, gid, principal

FAST = build_schema()
PLAIN = build_schema(fast_leaves=False)

DOCUMENTS = [
    """query($q: ID!) { queueHooks(queueId: $q, first: 5) { totalCount
         edges { cursor node { __typename id event enabled version createdAt createdBy
           updatedAt updatedBy flowSchema { id name type createdAt } queue { id name type } } }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }""",
    """query($q: ID!, $yes: Boolean!) { queueHooks(queueId: $q) {
         nodes { a: id b: event ...F @include(if: $yes) ... on QueueHook { v: version } } } }
       fragment F on QueueHook { enabled flowSchema { n: name } }""",
    """query($q: ID!) { queue(id: $q) { id name type revision hooks(last: 2) { nodes { event } } } }""",
]


async def given_hooks() -> str:
    queue = await create_queue()
    schema = await create_flow_schema()
    for event in (QueueHookEvent.JOINED, QueueHookEvent.MISSED, QueueHookEvent.ACTIVE):
        await create_hook(queue, schema, event, enabled=event is not QueueHookEvent.ACTIVE)
    return gid("Queue", queue.pk)


async def run(schema: strawberry.Schema, query: str, variables: dict[str, Any]) -> Any:
    result = await schema.execute(query, variables, Context(SETTINGS, "t", identity=principal()))
    return result.data, [e.formatted for e in result.errors or []]


@pytest.mark.parametrize("query", DOCUMENTS)
async def test_the_same_answer_as_graphql_core(database: str, query: str) -> None:
    variables = {"q": await given_hooks(), "yes": True}

    fast = await run(FAST, query, variables)
    plain = await run(PLAIN, query, variables)

    assert fast == plain
    assert fast[1] == []


def test_a_null_in_a_non_null_leaf_takes_the_general_path() -> None:
    @strawberry.type
    class Thing:
        name: str

    @strawberry.type
    class Query:
        @strawberry.field
        def thing(self) -> Thing:
            return Thing(name=None)  # type: ignore[arg-type]  # wrong on purpose: the error is the test

    fast = strawberry.Schema(Query, execution_context_class=FastLeavesExecutionContext)
    plain = strawberry.Schema(Query)

    fast_result = fast.execute_sync("{ thing { name } }")
    plain_result = plain.execute_sync("{ thing { name } }")

    assert fast_result.data == plain_result.data is None
    assert [e.formatted for e in fast_result.errors or []] == [
        e.formatted for e in plain_result.errors or []
    ]
    assert "Cannot return null for non-nullable field" in (fast_result.errors or [])[0].message


def test_a_null_in_a_non_null_object_takes_the_general_path() -> None:
    @strawberry.type
    class Inner:
        name: str

    @strawberry.type
    class Outer:
        label: str
        inner: Inner

    @strawberry.type
    class Query:
        @strawberry.field
        def things(self) -> list[Outer | None]:
            return [Outer(label="ok", inner=Inner(name="x")), Outer(label="bad", inner=None)]  # type: ignore[arg-type]  # wrong on purpose: the error is the test

    fast = strawberry.Schema(Query, execution_context_class=FastLeavesExecutionContext)
    plain = strawberry.Schema(Query)
    document = "{ things { label inner { name __typename } } }"

    fast_result = fast.execute_sync(document)
    plain_result = plain.execute_sync(document)

    assert (
        fast_result.data
        == plain_result.data
        == {"things": [{"label": "ok", "inner": {"name": "x", "__typename": "Inner"}}, None]}
    )
    assert [e.formatted for e in fast_result.errors or []] == [
        e.formatted for e in plain_result.errors or []
    ]


def test_a_null_item_in_a_list_of_non_null_objects_takes_the_general_path() -> None:
    @strawberry.type
    class Item:
        name: str

    @strawberry.type
    class Holder:
        items: list[Item]

    @strawberry.type
    class Query:
        @strawberry.field
        async def holder(self) -> Holder:  # async: the holder itself is not plannable
            return Holder(items=[Item(name="a"), None, Item(name="c")])  # type: ignore[list-item]  # wrong on purpose: the error is the test

        @strawberry.field
        async def good(self) -> Holder:
            return Holder(items=[Item(name="a"), Item(name="b")])

    fast = strawberry.Schema(Query, execution_context_class=FastLeavesExecutionContext)
    plain = strawberry.Schema(Query)

    for document in ("{ holder { items { name } } }", "{ good { items { name __typename } } }"):
        fast_result = asyncio.run(fast.execute(document))
        plain_result = asyncio.run(plain.execute(document))
        assert fast_result.data == plain_result.data
        assert [e.formatted for e in fast_result.errors or []] == [
            e.formatted for e in plain_result.errors or []
        ]


def test_a_leaf_that_fails_to_serialise_inside_an_object_takes_the_general_path() -> None:
    @strawberry.type
    class Inner:
        count: int

    @strawberry.type
    class Outer:
        inner: Inner

    @strawberry.type
    class Query:
        @strawberry.field
        def outer(self) -> Outer | None:
            return Outer(inner=Inner(count="not a number"))  # type: ignore[arg-type]  # wrong on purpose: the error is the test

    fast = strawberry.Schema(Query, execution_context_class=FastLeavesExecutionContext)
    plain = strawberry.Schema(Query)
    document = "{ outer { inner { count } } }"

    fast_result = fast.execute_sync(document)
    plain_result = plain.execute_sync(document)

    assert fast_result.data == plain_result.data
    assert [e.formatted for e in fast_result.errors or []] == [
        e.formatted for e in plain_result.errors or []
    ]
    assert fast_result.errors


class Never(BasePermission):
    message = "not for you"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return False


def test_a_field_guarded_by_permission_classes_is_denied_as_on_the_general_path() -> None:
    # Strawberry marks such a field's resolver as a default one, though it runs
    # the permission check: only a basic field may be read straight off the object.
    @strawberry.type
    class Inner:
        name: str

    @strawberry.type
    class Thing:
        label: str
        secret: str | None = strawberry.field(permission_classes=[Never])
        hidden: Inner | None = strawberry.field(permission_classes=[Never])

    @strawberry.type
    class Query:
        @strawberry.field
        def thing(self) -> Thing:
            return Thing(label="ok", secret="s3cret", hidden=Inner(name="x"))

    fast = strawberry.Schema(Query, execution_context_class=FastLeavesExecutionContext)
    plain = strawberry.Schema(Query)

    for document in ("{ thing { label secret } }", "{ thing { label hidden { name } } }"):
        fast_result = fast.execute_sync(document)
        plain_result = plain.execute_sync(document)
        assert fast_result.data == plain_result.data
        assert [e.formatted for e in fast_result.errors or []] == [
            e.formatted for e in plain_result.errors or []
        ]
        assert [e.message for e in fast_result.errors or []] == ["not for you"]
