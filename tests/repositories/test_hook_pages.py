"""A page of a queue's hooks is exactly the rows the filter, order and cursors select,
on both databases: PostgreSQL reads it with SQL of its own (one index range per event
when filtered by events), SQLite through the ORM. Checked against the same selection
made in Python from every row, over seeded random filters, orders and cursors,
including cursors on rows the filter drops, and (on PostgreSQL, whose SQL resolves a
cursor per event) cursor values that are no event. The API refuses those
(tests/graphql/test_cursors.py); the repository still reads them exactly."""

import random

from app.core.database import dialect_of
from app.core.pagination import Keyset, PageRequest
from app.models import QueueHookEvent
from app.repositories import hooks as hook_repo
from app.repositories.hooks import HookFilter, HookSort
from tests.factories import TENANT, create_flow_schema, create_hook, create_queue

EVENTS = list(QueueHookEvent)
# Values a cursor may carry that are no event: lowercase letters only, so that they sort
# the same in Python as under any collation the test database has.
FOREIGN_VALUES = ["", "a", "bridgedx", "joinee", "zzz"]


def expected(
    rows: list[tuple[str, int, bool, int]],
    hook_filter: HookFilter,
    descending: bool,
    page: PageRequest,
) -> list[int]:
    """The page's ids, selected from every (event, id, enabled, flow schema) of the queue."""
    events = None if hook_filter.events is None else {e.value for e in hook_filter.events}
    schemas = hook_filter.flow_schema_ids
    kept = [
        (event, pk)
        for event, pk, enabled, schema in rows
        if (events is None or event in events)
        and (hook_filter.enabled is None or enabled == hook_filter.enabled)
        and (schemas is None or schema in schemas)
    ]
    kept.sort(reverse=descending)
    if page.after is not None:
        after = tuple(page.after)
        kept = [k for k in kept if (k < after if descending else k > after)]
    if page.before is not None:
        before = tuple(page.before)
        kept = [k for k in kept if (k > before if descending else k < before)]
    chosen = kept[max(len(kept) - page.limit, 0) :] if page.from_end else kept[: page.limit]
    return [pk for _, pk in chosen]


def a_cursor(rng: random.Random, rows: list[tuple[str, int, bool, int]], foreign: bool) -> Keyset:
    event, pk, _, _ = rng.choice(rows)
    if foreign and rng.random() < 0.2:
        return Keyset(rng.choice(FOREIGN_VALUES), pk)
    return Keyset(event, pk)


async def test_every_page_is_the_rows_its_filter_order_and_cursors_select(database: str) -> None:
    rng = random.Random(20261130)
    queue = await create_queue()
    schemas = [await create_flow_schema(f"Schema {n}") for n in range(3)]
    foreign = dialect_of(database) == "postgres"
    rows: list[tuple[str, int, bool, int]] = []
    for _ in range(80):
        event = rng.choice(EVENTS)
        # At most one enabled hook per event and queue (the domain's rule).
        enabled = not any(e == event.value and on for e, _, on, _ in rows) and rng.random() < 0.5
        schema = rng.choice(schemas)
        hook = await create_hook(queue, schema, event, enabled)
        rows.append((event.value, hook.pk, enabled, schema.pk))

    for case in range(300):
        events = rng.choice([None, [], rng.sample(EVENTS, rng.randint(1, 4))])
        if events and rng.random() < 0.2:
            events = [*events, events[0]]  # the same event twice
        hook_filter = HookFilter(
            events=events,
            enabled=rng.choice([None, True, False]),
            flow_schema_ids=rng.choice([None, [s.pk for s in rng.sample(schemas, 2)]]),
        )
        descending = rng.random() < 0.5
        after = a_cursor(rng, rows, foreign) if rng.random() < 0.6 else None
        before = a_cursor(rng, rows, foreign) if rng.random() < 0.3 else None
        page = PageRequest(
            limit=rng.randint(0, 12), after=after, before=before, from_end=rng.random() < 0.3
        )

        read = await hook_repo.list_in_queue(
            TENANT, queue.pk, hook_filter, HookSort.EVENT, descending, page
        )

        want = expected(rows, hook_filter, descending, page)
        got = [row.pk for row in read.window.rows]
        assert got == want, (case, hook_filter, descending, page)
