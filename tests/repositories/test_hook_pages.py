"""A page of a queue's hooks is exactly the rows the filter, order and cursors select,
with the right page flags and total, on both databases: PostgreSQL reads it with SQL
of its own (app/repositories/hooks.py `_page_sql`), SQLite through the ORM. Checked
against the same selection made in Python from every row, over seeded random
filters, orders and cursors, including cursors on rows the filter drops, and (on
PostgreSQL, which compares a cursor's value in SQL) cursor values that are no event.
The API refuses those (tests/graphql/test_cursors.py); the repository still reads
them exactly."""

import random
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Hook:
    event: str
    pk: int
    enabled: bool
    schema: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.event, self.pk)


@dataclass(frozen=True)
class Expected:
    ids: list[int]
    has_next: bool
    has_previous: bool
    total: int


def expected(
    hooks: list[Hook], hook_filter: HookFilter, descending: bool, page: PageRequest
) -> Expected:
    """The page, selected from every hook of the queue as the API documents it: the
    flags say whether rows of the filter lie beyond each end (a cursor's own row
    counts as lying before a page that starts after it)."""
    events = None if hook_filter.events is None else {e.value for e in hook_filter.events}
    schemas = hook_filter.flow_schema_ids
    kept = sorted(
        (
            h.key
            for h in hooks
            if (events is None or h.event in events)
            and (hook_filter.enabled is None or h.enabled == hook_filter.enabled)
            and (schemas is None or h.schema in schemas)
        ),
        reverse=descending,
    )

    def before(key: tuple[str, int], bound: tuple[str, int]) -> bool:
        return key > bound if descending else key < bound

    after = None if page.after is None else (str(page.after.value), page.after.id)
    until = None if page.before is None else (str(page.before.value), page.before.id)
    window = kept
    if after is not None:
        window = [k for k in window if before(after, k)]
    if until is not None:
        window = [k for k in window if before(k, until)]
    more = len(window) > page.limit
    chosen = window[max(len(window) - page.limit, 0) :] if page.from_end else window[: page.limit]
    if page.from_end:
        has_previous = more
        has_next = until is not None and any(not before(k, until) for k in kept)
    else:
        has_next = more
        has_previous = after is not None and any(not before(after, k) for k in kept)
    return Expected([pk for _, pk in chosen], has_next, has_previous, len(kept))


def a_cursor(rng: random.Random, hooks: list[Hook], foreign: bool) -> Keyset:
    hook = rng.choice(hooks)
    if foreign and rng.random() < 0.2:
        return Keyset(rng.choice(FOREIGN_VALUES), hook.pk)
    return Keyset(hook.event, hook.pk)


async def test_every_page_is_the_rows_its_filter_order_and_cursors_select(database: str) -> None:
    rng = random.Random(20261130)
    queue = await create_queue()
    schemas = [await create_flow_schema(f"Schema {n}") for n in range(3)]
    postgres = dialect_of(database) == "postgres"
    hooks: list[Hook] = []
    for n in range(90):
        event = EVENTS[n] if n < len(EVENTS) else rng.choice(EVENTS)  # every event, then any
        # At most one enabled hook per event and queue (the domain's rule).
        enabled = (
            not any(h.event == event.value and h.enabled for h in hooks) and rng.random() < 0.5
        )
        schema = rng.choice(schemas)
        created = await create_hook(queue, schema, event, enabled)
        hooks.append(Hook(event.value, created.pk, enabled, schema.pk))
    # Hooks of the same events in a queue of the same tenant and in another tenant's: a
    # page must never show them.
    for tenant in (TENANT, "another-tenant"):
        other = await create_queue("Other", tenant=tenant)
        other_schema = await create_flow_schema("Other schema", tenant=tenant)
        for event in EVENTS:
            await create_hook(other, other_schema, event, False)

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
        after = a_cursor(rng, hooks, postgres) if rng.random() < 0.6 else None
        before = a_cursor(rng, hooks, postgres) if rng.random() < 0.3 else None
        page = PageRequest(
            limit=rng.randint(0, 12), after=after, before=before, from_end=rng.random() < 0.3
        )

        read = await hook_repo.list_in_queue(
            TENANT, queue.pk, hook_filter, HookSort.EVENT, descending, page
        )

        want = expected(hooks, hook_filter, descending, page)
        context = (case, hook_filter, descending, page)
        assert [row.pk for row in read.window.rows] == want.ids, context
        if read.total is not None:  # PostgreSQL's page brings it, unless by flow schema
            assert read.total == want.total, context
        foreign = any(b is not None and b.value in FOREIGN_VALUES for b in (after, before))
        if not foreign:  # the flags ask the ORM, which takes only events
            assert await read.window.has_next() == want.has_next, context
            assert await read.window.has_previous() == want.has_previous, context
