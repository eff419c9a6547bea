"""Crafted cursors, for every connection and order, are BAD_USER_INPUT: a cursor is
untrusted input, checked down to each value's type and range before any query."""

import base64
from typing import Any

import orjson
import pytest

from app.core.pagination import decode_cursor
from tests.factories import create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid, run

# (connection, its sort key in cursors, a valid value of the sorted column)
CONNECTIONS: list[tuple[str, str, Any]] = [
    ('queueHooks(queueId: $q, after: $c, orderBy: {field: EVENT}) { totalCount nodes { id } }',
     "EVENT:asc", "joined"),
    ('queueHooks(queueId: $q, before: $c, orderBy: {field: FLOW_SCHEMA_NAME, direction: DESC}) '
     "{ nodes { id } }", "FLOW_SCHEMA_NAME:desc", "CRM sync"),
    ('queueHooks(queueId: $q, after: $c, orderBy: {field: ENABLED}) { nodes { id } }',
     "ENABLED:asc", True),
    ('queueHooks(queueId: $q, last: 5, before: $c, orderBy: {field: CREATED_AT}) { nodes { id } }',
     "CREATED_AT:asc", {"t": "2026-01-01T00:00:00+00:00"}),
    ('queue(id: $q) { hooks(after: $c) { nodes { id } } }', "EVENT:asc", "joined"),
    ("queues(after: $c) { nodes { id } }", "name", "Outbound IVR"),
    ("flowSchemas(after: $c) { nodes { id } }", "created_at", {"t": "2026-01-01T00:00:00+00:00"}),
]  # fmt: skip

# Values of every kind, as JSON text; each connection gets those its column does not hold.
VALUES = ["5", "1180591620717411303424", "1.5", "null", "true", '"joined"', "[1]",
          '{"t":"2026-01-01T00:00:00+00:00"}']  # fmt: skip
# Invalid whatever the column: (value, or None for a valid one; id), as JSON text.
BROKEN: list[tuple[str | None, str]] = [
    (None, "99999999999"),
    (None, "1180591620717411303424"),
    (None, "0"),
    (None, "-1"),
    (None, "true"),
    (None, '"1"'),
    (None, "1.0"),
    ('"a\\u0000b"', "1"),
    ('"' + "x" * 5000 + '"', "1"),
    # Longer than any sorted column holds (make fuzz found 438 characters on queue names).
    ('"' + "x" * 201 + '"', "1"),
    ('"\\ud800"', "1"),
    ('{"t":"9999-12-31T23:59:59-14:00"}', "1"),
    ('{"t":"2026-01-01T00:00:00"}', "1"),
    ('{"t":"yesterday"}', "1"),
    ('{"t":5}', "1"),
    ('{"t":"2026-01-01T00:00:00+00:00","x":1}', "1"),
]


def encode(json_text: str) -> str:
    return base64.urlsafe_b64encode(json_text.encode()).decode().rstrip("=")


def kind(json_text: str) -> type:
    return type(orjson.loads(json_text))


def crafted(sort: str, valid: Any) -> list[str]:
    valid_text = orjson.dumps(valid).decode()
    name = orjson.dumps(sort).decode()
    cursors = [encode(f"[{name},{v},1]") for v in VALUES if kind(v) is not type(valid)]
    for value, row_id in BROKEN:
        if value is None or value.startswith('"') or kind(value) is type(valid):
            cursors.append(encode(f"[{name},{value or valid_text},{row_id}]"))
    whole = encode(f"[{name},{valid_text},1]")
    cursors += [
        encode(f'{{"a":{name},"b":{valid_text},"c":1}}'),
        encode(f"[{name},{valid_text}]"),
        encode(f"[{name},{valid_text},1,2]"),
        encode(sort[:3]),
        "a" * 10_000,
        whole[:-3],
        whole + "\x00",
        whole + "=" * 5,
    ]
    return cursors


@pytest.mark.parametrize(("selection", "sort", "valid"), CONNECTIONS, ids=lambda v: str(v)[:24])
async def test_a_crafted_cursor_is_bad_user_input(
    database: str, selection: str, sort: str, valid: Any
) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    await create_hook(queue, schema)
    query = f"query($c: String{', $q: ID!' if '$q' in selection else ''}) {{ {selection} }}"
    cursor = encode(orjson.dumps([sort, valid, 1]).decode())
    variables = {"q": gid("Queue", queue.pk)} if "$q" in selection else {}
    good = await run(query, {**variables, "c": cursor})
    assert good.errors == [], good.errors

    for cursor in crafted(sort, valid):
        result = await run(query, {**variables, "c": cursor})

        codes = [error["extensions"]["code"] for error in result.errors]
        assert codes == ["BAD_USER_INPUT"], (cursor, result.errors)


def test_a_cursor_of_the_issue_is_refused_before_any_query() -> None:
    with pytest.raises(Exception, match="after is not a cursor this server issued"):
        decode_cursor(encode('["EVENT:asc",5,1]'), "EVENT:asc", str, "after")


@pytest.mark.parametrize("value", ["zzz", "Joined", "joined ", ""])
async def test_an_event_cursor_holds_an_event(database: str, value: str) -> None:
    """The event column holds the events' values only: any other text in an EVENT
    cursor was crafted. It used to be taken as a sort value: no error on PostgreSQL, an
    internal error from the ORM on SQLite."""
    queue = await create_queue()
    await create_hook(queue, await create_flow_schema())
    query = "query($q: ID!, $c: String) { queueHooks(queueId: $q, after: $c) { nodes { id } } }"
    cursor = encode(orjson.dumps(["EVENT:asc", value, 1]).decode())

    result = await run(query, {"q": gid("Queue", queue.pk), "c": cursor})

    codes = [error["extensions"]["code"] for error in result.errors]
    assert codes == ["BAD_USER_INPUT"], result.errors
