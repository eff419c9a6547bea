"""Operation limits: depth, aliases, tokens and cost are refused before anything runs."""

import pytest

from app.graphql.context import Context
from app.graphql.schema import OperationLimits, build_schema
from tests.graphql.client import SETTINGS, principal

SCHEMA = build_schema(limits=OperationLimits(depth=6, aliases=3, tokens=200, cost=3000))

REGISTRY_PAGE = """query($q: ID!, $first: Int = 20) { queueHooks(queueId: $q, first: $first) {
  totalCount edges { cursor node { id event enabled flowSchema { id name } } } } }"""


async def errors_of(query: str) -> list[dict[str, object]]:
    result = await SCHEMA.execute(
        query, {"q": "UXVldWU6MQ"}, Context(SETTINGS, "t", identity=principal())
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


async def test_a_page_size_from_a_variable_without_default_counts_as_the_largest() -> None:
    query = """query($n: Int) { queues(first: $n) { nodes {
      hooks(first: 10) { nodes { id event enabled version } } } } }"""

    errors = await errors_of(query)

    assert errors[0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 1 + 100 * (1 + 1 + 10 * 5),
        "limit": 3000,
    }
