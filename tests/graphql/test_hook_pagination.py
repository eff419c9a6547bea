"""queueHooks: keyset pages in both directions, ordering, filters, counts."""

import logging
from typing import Any

import pytest

from app.core.database import dialect_of
from app.models import FlowSchema, Queue, QueueHook, QueueHookEvent
from tests.factories import create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid, ok, run

EVENTS = list(QueueHookEvent)

PAGE = """
query Page($q: ID!, $first: Int, $after: String, $last: Int, $before: String,
           $filter: QueueHookFilter, $orderBy: QueueHookOrder) {
  queueHooks(queueId: $q, first: $first, after: $after, last: $last, before: $before,
             filter: $filter, orderBy: $orderBy) {
    edges { cursor node { id } }
    nodes { id event enabled flowSchema { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def given_hooks(count: int) -> tuple[Queue, list[FlowSchema], list[QueueHook]]:
    """`count` hooks over all events and three schemas; one enabled per event at most."""
    queue = await create_queue()
    schemas = [await create_flow_schema(name) for name in ("alpha", "bravo", "charlie")]
    hooks = []
    for i in range(count):
        event = EVENTS[(i * 5) % len(EVENTS)]
        hooks.append(await create_hook(queue, schemas[i % 3], event, enabled=i < len(EVENTS)))
    return queue, schemas, hooks


async def page(queue: Queue, **variables: Any) -> dict[str, Any]:
    data = await ok(PAGE, {"q": gid("Queue", queue.pk), **variables})
    result: dict[str, Any] = data["queueHooks"]
    return result


def ids(rows: list[QueueHook]) -> list[str]:
    return [gid("QueueHook", h.pk) for h in rows]


def by_event(rows: list[QueueHook]) -> list[QueueHook]:
    return sorted(rows, key=lambda h: (h.event, h.pk))


async def test_the_first_page_has_ten_hooks_by_event(database: str) -> None:
    queue, _, hooks = await given_hooks(13)

    result = await page(queue)

    assert [n["id"] for n in result["nodes"]] == ids(by_event(hooks))[:10]
    assert [e["node"]["id"] for e in result["edges"]] == ids(by_event(hooks))[:10]
    assert result["pageInfo"]["hasNextPage"] is True
    assert result["pageInfo"]["hasPreviousPage"] is False
    assert result["pageInfo"]["startCursor"] == result["edges"][0]["cursor"]
    assert result["pageInfo"]["endCursor"] == result["edges"][-1]["cursor"]


async def test_walking_forward_is_stable_while_rows_come_and_go(database: str) -> None:
    queue, schemas, hooks = await given_hooks(20)
    seen: list[str] = []
    after = None
    removed: list[str] = []
    added: list[str] = []
    while True:
        result = await page(queue, first=6, after=after)
        seen += [n["id"] for n in result["nodes"]]
        if len(seen) == 6:
            # Between pages: remove a row not seen yet, and one already seen;
            # add one that sorts before the cursor and one after it.
            unseen = next(h for h in by_event(hooks) if gid("QueueHook", h.pk) not in seen)
            await unseen.delete()
            removed.append(gid("QueueHook", unseen.pk))
            await QueueHook.filter(id=hooks[0].pk).delete()
            early = await create_hook(queue, schemas[0], QueueHookEvent.ACTIVE, enabled=False)
            late = await create_hook(queue, schemas[0], QueueHookEvent.PROCESSING, enabled=False)
            added += [gid("QueueHook", early.pk), gid("QueueHook", late.pk)]
        if not result["pageInfo"]["hasNextPage"]:
            break
        after = result["pageInfo"]["endCursor"]

    remaining = by_event(list(await QueueHook.filter(queue=queue)))
    cursor = next((h.event, h.pk) for h in hooks if gid("QueueHook", h.pk) == seen[5])
    after_cursor = [h for h in remaining if (h.event, h.pk) > cursor]
    assert len(seen) == len(set(seen)), "no row twice"
    assert removed[0] not in seen
    assert added[0] not in seen, "a row inserted before the cursor is not on later pages"
    assert added[1] in seen, "a row inserted after the cursor shows up"
    assert seen[6:] == ids(after_cursor)


async def test_walking_backward_with_last_and_before(database: str) -> None:
    queue, _schemas, hooks = await given_hooks(17)
    seen: list[str] = []
    before = None
    while True:
        result = await page(queue, last=5, before=before)
        seen = [n["id"] for n in result["nodes"]] + seen
        if len(seen) == 5:
            newest_first_page = by_event(hooks)[0]
            await QueueHook.filter(id=newest_first_page.pk).delete()
        if not result["pageInfo"]["hasPreviousPage"]:
            break
        before = result["pageInfo"]["startCursor"]

    expected = ids(by_event(list(await QueueHook.filter(queue=queue))))
    assert seen == expected
    assert len(seen) == len(set(seen)) == 16


async def test_has_next_page_when_paging_backward_from_a_cursor(database: str) -> None:
    queue, _, hooks = await given_hooks(9)
    ordered = ids(by_event(hooks))
    first = await page(queue, first=4)

    back = await page(queue, last=2, before=first["edges"][3]["cursor"])

    assert [n["id"] for n in back["nodes"]] == ordered[1:3]
    assert back["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": True,
        "startCursor": back["edges"][0]["cursor"],
        "endCursor": back["edges"][1]["cursor"],
    }


async def test_has_previous_page_after_a_cursor(database: str) -> None:
    queue, _, hooks = await given_hooks(6)
    first = await page(queue, first=2)

    second = await page(queue, first=2, after=first["pageInfo"]["endCursor"])

    assert [n["id"] for n in second["nodes"]] == ids(by_event(hooks))[2:4]
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("EVENT", lambda h: h.event),
        ("FLOW_SCHEMA_NAME", lambda h: h.flow_schema.name),
        ("ENABLED", lambda h: h.enabled),
        ("CREATED_AT", lambda h: h.created_at),
    ],
)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_every_order_pages_through_all_rows_with_id_breaking_ties(
    database: str, field: str, key: Any, direction: str
) -> None:
    queue, _, _ = await given_hooks(14)
    rows = list(await QueueHook.filter(queue=queue).select_related("flow_schema"))
    expected = ids(sorted(rows, key=lambda h: (key(h), h.pk), reverse=direction == "DESC"))
    order = {"field": field, "direction": direction}
    seen: list[str] = []
    after = None
    while True:
        result = await page(queue, first=4, after=after, orderBy=order)
        seen += [n["id"] for n in result["nodes"]]
        if not result["pageInfo"]["hasNextPage"]:
            break
        after = result["pageInfo"]["endCursor"]

    assert seen == expected


async def test_filters_narrow_the_list_and_the_count(database: str) -> None:
    queue, schemas, hooks = await given_hooks(16)
    wanted = [QueueHookEvent.JOINED, QueueHookEvent.MISSED]
    expected = [
        h
        for h in hooks
        if h.event in wanted
        and not h.enabled
        and h.flow_schema_id in (schemas[0].pk, schemas[2].pk)
    ]

    data = await ok(
        """query($q: ID!, $f: QueueHookFilter) {
             queueHooks(queueId: $q, filter: $f, first: 100) { totalCount nodes { id } } }""",
        {
            "q": gid("Queue", queue.pk),
            "f": {
                "events": [e.name for e in wanted],
                "enabled": False,
                "flowSchemaIds": [
                    gid("FlowSchema", schemas[0].pk),
                    gid("FlowSchema", schemas[2].pk),
                ],
            },
        },
    )

    assert expected, "the data must exercise the filter"
    assert data["queueHooks"]["totalCount"] == len(expected)
    assert [n["id"] for n in data["queueHooks"]["nodes"]] == ids(by_event(expected))


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 101}, "first"),
        ({"first": -1}, "first"),
        ({"last": 101}, "last"),
        ({"first": 2, "last": 2}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"before": "WyJ4Il0"}, "before"),
    ],
)
async def test_bad_page_arguments_are_clear_errors(
    database: str, variables: dict[str, Any], field: str
) -> None:
    queue = await create_queue()

    result = await run(PAGE, {"q": gid("Queue", queue.pk), **variables})

    assert result.data == {"queueHooks": None}
    assert len(result.errors) == 1
    assert result.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert result.errors[0]["extensions"]["field"] == field
    assert result.errors[0]["path"] == ["queueHooks"]


async def test_a_cursor_of_another_order_is_refused(database: str) -> None:
    queue, _, _ = await given_hooks(3)
    by_name = await page(queue, first=1, orderBy={"field": "FLOW_SCHEMA_NAME"})

    result = await run(
        PAGE, {"q": gid("Queue", queue.pk), "after": by_name["pageInfo"]["endCursor"]}
    )

    assert result.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "another sort order" in result.errors[0]["message"]


async def test_a_hundred_is_the_largest_page(database: str) -> None:
    queue, _, hooks = await given_hooks(101)

    result = await page(queue, first=100)

    assert len(result["nodes"]) == 100
    assert result["pageInfo"]["hasNextPage"] is True
    assert len(hooks) == 101


def counting(sql: str) -> bool:
    return "COUNT(" in sql.upper() or '"queue_hook_count"' in sql


async def test_the_total_costs_no_query_of_its_own(
    database: str, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL reads the page, the total (from the kept counts) and the queue's
    revision in one statement (tests/repositories/test_hook_counts.py checks that
    total), so no count query runs; SQLite counts apart, only when the total is shown."""
    queue, _, _ = await given_hooks(3)
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")

    await page(queue)
    without = [r.getMessage() for r in caplog.records if counting(r.getMessage())]
    caplog.clear()
    data = await ok(
        "query($q: ID!) { queueHooks(queueId: $q) { totalCount } }", {"q": gid("Queue", queue.pk)}
    )
    with_count = [r.getMessage() for r in caplog.records if counting(r.getMessage())]

    assert data["queueHooks"]["totalCount"] == 3
    assert without == []
    assert len(with_count) == (0 if dialect_of(database) == "postgres" else 1), with_count


async def test_queue_hooks_is_null_for_an_unknown_queue(database: str) -> None:
    result = await run(PAGE, {"q": gid("Queue", 999)})

    assert result.data == {"queueHooks": None}
    assert result.errors == []


async def test_queue_hooks_field_on_queue_is_the_same_connection(database: str) -> None:
    queue, _, hooks = await given_hooks(5)

    data = await ok(
        """query($q: ID!) { queue(id: $q) { hooks(first: 3, orderBy: {field: CREATED_AT,
             direction: DESC}) { totalCount nodes { id } } } }""",
        {"q": gid("Queue", queue.pk)},
    )

    assert data["queue"]["hooks"]["totalCount"] == 5
    assert [n["id"] for n in data["queue"]["hooks"]["nodes"]] == ids(hooks[::-1][:3])
