"""Operation limits: depth, aliases, tokens and cost are refused before anything runs."""

from typing import Any

import orjson
import pytest

from app.graphql.context import Context
from app.graphql.schema import OperationLimits, Schema, build_schema
from tests.graphql.client import SETTINGS, principal

SCHEMA = build_schema(limits=OperationLimits(depth=6, aliases=3, tokens=200, cost=3000))
COST_ONLY = build_schema(limits=OperationLimits(cost=3000))

REGISTRY_PAGE = """query($q: ID!, $first: Int = 20) { queueHooks(queueId: $q, first: $first) {
  totalCount edges { cursor node { id event enabled flowSchema { id name } } } } }"""


async def errors_of(
    query: str, variables: dict[str, Any] | None = None, schema: Schema = SCHEMA
) -> list[dict[str, Any]]:
    result = await schema.execute(
        query,
        {"q": "UXVldWU6MQ", **(variables or {})},
        Context(SETTINGS, "t", identity=principal()),
    )
    return [dict(e.formatted) for e in result.errors or []]


async def test_a_registry_page_is_within_every_limit(database: str) -> None:
    assert await errors_of(REGISTRY_PAGE) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "{ queues { nodes { hooks { nodes { queue { hooks { nodes { id } } } } } } } }",
            "exceeds maximum operation depth of 6",
        ),
        (
            "{ a: queues { totalCount } b: queues { totalCount } c: queues { totalCount } "
            "d: queues { totalCount } }",
            "4 aliases found. Allowed: 3",
        ),
        ("{ queues { totalCount " + "totalCount " * 250 + "} }", "more than 200 tokens"),
    ],
    ids=["depth", "aliases", "tokens"],
)
async def test_shape_limits(query: str, expected: str) -> None:
    errors = await errors_of(query)

    assert len(errors) == 1
    assert expected.lower() in str(errors[0]["message"]).lower()


async def test_nested_lists_cost_their_page_sizes() -> None:
    query = "{ queues(first: 100) { nodes { hooks(first: 100) { nodes { id event } } } } }"

    errors = await errors_of(query)

    # 1 queues + 100 x (nodes 1 + (hooks 1 + 100 x (nodes 1 + 2 leaves)))
    cost = 1 + 100 * (1 + (1 + 100 * 3))
    assert errors == [
        {
            "message": f"the operation may return {cost} fields, more than the limit of 3000; "
            "ask for smaller pages or fewer nested lists",
            "locations": [{"line": 1, "column": 1}],
            "extensions": {"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": 3000},
        }
    ]


async def test_a_page_size_variable_not_sent_counts_as_the_default_page(database: str) -> None:
    # What runs: `first: null` is the default page of 10.
    query = """query($n: Int) { queues(first: $n) { nodes {
      hooks(first: 30) { nodes { id event enabled version } } } } }"""

    assert await errors_of(query) == []
    assert (await errors_of(query, {"n": 100}))[0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 1 + 100 * (1 + 1 + 30 * 5),
        "limit": 3000,
    }


NESTED = """query($q: ID!, $n: Int = 1) { queue(id: $q) { hooks(first: $n) { nodes { id
  queue { hooks(first: $n) { nodes { id queue { hooks(first: $n) { nodes { id } } } } } } } } } }"""


def nested_cost(n: int) -> int:
    # queue + hooks + n x (nodes + n x (id + queue + hooks + n x (nodes + n x id)))...
    inner = 1 + n * (1 + 1)  # hooks { nodes { id } }
    middle = 1 + n * (1 + 1 + 1 + inner)  # hooks { nodes { id queue { ... } } }
    outer = 1 + n * (1 + 1 + 1 + middle)
    return 1 + outer


async def test_the_cost_counts_the_page_size_sent_not_the_default() -> None:
    """The attack of issue 9: a default of 1, and 60 sent (219,660 ids ran)."""
    errors = await errors_of(NESTED, {"n": 60}, schema=COST_ONLY)

    assert errors == [
        {
            "message": f"the operation may return {nested_cost(60)} fields, more than the limit "
            "of 3000; ask for smaller pages or fewer nested lists",
            "locations": [{"line": 1, "column": 1}],
            "extensions": {"code": "QUERY_TOO_COSTLY", "cost": nested_cost(60), "limit": 3000},
        }
    ]


async def test_a_large_default_is_fine_when_a_small_page_is_sent(database: str) -> None:
    query = NESTED.replace("$n: Int = 1", "$n: Int = 100")

    assert (await errors_of(query, schema=COST_ONLY))[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert await errors_of(query, {"n": 2}, schema=COST_ONLY) == []


async def test_fragments_and_inline_fragments_count_with_the_variables(database: str) -> None:
    query = """query($q: ID!, $n: Int) { queue(id: $q) { ...H ... on Queue { ...H } } }
      fragment H on Queue { hooks(first: $n) { nodes { id queue { hooks(first: $n) {
        nodes { id event } } } } } }"""

    assert await errors_of(query, {"n": 20}, schema=COST_ONLY) == []
    refused = await errors_of(query, {"n": 40}, schema=COST_ONLY)
    assert refused[0]["extensions"]["cost"] == 1 + 2 * (1 + 40 * (1 + 1 + 1 + 1 + 40 * 3))


async def test_a_cost_past_what_json_carries_is_reported_saturated() -> None:
    schema = build_schema(limits=OperationLimits(depth=100, cost=10_000))
    query = "{ queues { nodes { " + "hooks(first: 100) { nodes { queue { " * 10
    query += "id" + " } } }" * 10 + " } } }"

    result = await schema.execute(query, context_value=Context(SETTINGS, "t", identity=principal()))

    errors = [dict(e.formatted) for e in result.errors or []]
    assert [e["extensions"] for e in errors] == [
        {"code": "QUERY_TOO_COSTLY", "cost": 2**53 - 1, "limit": 10_000}
    ]
    assert "more than 9007199254740991 fields" in str(errors[0]["message"])
    orjson.dumps(errors)  # what the transports do with it


async def test_fields_under_a_union_count() -> None:
    """A mutation's result is a union: its members' fields cost as any others."""
    query = """mutation($id: ID!) { renameQueue(id: $id, name: "x") {
      ... on RenameQueueSuccess { queue { hooks(first: 100) { nodes {
        queue { hooks(first: 100) { nodes { id } } } } } } } } }"""

    errors = await errors_of(query, {"id": "UXVldWU6MQ"}, schema=COST_ONLY)

    assert [e["extensions"] for e in errors] == [
        {"code": "QUERY_TOO_COSTLY", "cost": 1 + 1 + 1 + 100 * (1 + 1 + 1 + 100 * 2), "limit": 3000}
    ]
