"""Every string that reaches SQL is checked first (PostgreSQL refuses a NUL byte),
and only an object's canonical id names it."""

import base64

import pytest

from app.core.errors import InvalidInput
from app.graphql.ids import parse_global_id
from app.models import FlowSchema, Queue
from tests.factories import create_flow_schema, create_queue
from tests.graphql.client import gid, ok, run

HOSTILE_TEXT = ["a\x00b", "\x00", "x\x07", "ab\x1b[31m"]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
async def test_a_search_with_control_characters_is_bad_user_input(database: str, text: str) -> None:
    await create_queue()
    await create_flow_schema()

    result = await run(
        "query($s: String) { queues(search: $s) { totalCount } flowSchemas(search: $s) { totalCount } }",
        {"s": text},
    )

    assert result.data is None or result.data == {"queues": None, "flowSchemas": None}
    assert sorted((e["path"][0], e["extensions"]) for e in result.errors) == [
        ("flowSchemas", {"code": "BAD_USER_INPUT", "field": "search"}),
        ("queues", {"code": "BAD_USER_INPUT", "field": "search"}),
    ]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
async def test_names_with_control_characters_are_invalid_input(database: str, text: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()

    data = await ok(
        """mutation($n: String!, $q: ID!, $s: ID!) {
             createQueue(input: {name: $n, type: INBOUND}) { __typename }
             renameQueue(id: $q, name: $n) { __typename }
             createFlowSchema(input: {name: $n, type: SERVICE}) { __typename }
             renameFlowSchema(id: $s, name: $n) { __typename }
           }""",
        {"n": text, "q": gid("Queue", queue.pk), "s": gid("FlowSchema", schema.pk)},
    )

    assert {result["__typename"] for result in data.values()} == {"InvalidInputError"}
    assert [q.name for q in await Queue.all()] == [queue.name]
    assert [s.name for s in await FlowSchema.all()] == [schema.name]


def raw_id(text: bytes) -> str:
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


NON_CANONICAL = [
    raw_id(b"Queue:0270"),
    raw_id(b"Queue: 270"),
    raw_id(b"Queue:270 "),
    raw_id(b"Queue:+270"),
    raw_id(b"Queue:2_70"),
    raw_id("Queue:\u0662\u0667\u0660".encode()),  # Arabic-Indic digits
    raw_id("Queue:\uff12\uff17\uff10".encode()),  # fullwidth digits
    raw_id(b"Queue:270\x00"),
    gid("Queue", 270) + "=",
    gid("Queue", 270) + "\x00",
    " " + gid("Queue", 270),
]


@pytest.mark.parametrize("global_id", NON_CANONICAL)
def test_only_the_canonical_id_parses(global_id: str) -> None:
    assert parse_global_id(gid("Queue", 270)) == ("Queue", 270)
    with pytest.raises(InvalidInput):
        parse_global_id(global_id)


async def test_another_spelling_of_an_id_names_nothing(database: str) -> None:
    queue = await create_queue()
    spellings = [raw_id(f"Queue:0{queue.pk}".encode()), raw_id(f"Queue:+{queue.pk}".encode())]

    for spelling in spellings:
        result = await run(
            "query($id: ID!) { queue(id: $id) { id } node(id: $id) { id } }", {"id": spelling}
        )

        assert result.data in (None, {"queue": None, "node": None}), result
        assert all(e["extensions"]["code"] == "BAD_USER_INPUT" for e in result.errors), result
