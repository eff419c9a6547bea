"""Planned registry pages (app/web/page_plans.py) answer the general path's bytes.

Generated documents (the plan's shape, and shapes it must leave to the general path)
and variables (good and bad page sizes, cursors, filters, orders, ids; callers of
other tenants and without the permission) are each sent twice to the real app, with
the plan on and off, and the answers compared byte for byte.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from app.core.identity import ALL_PERMISSIONS, Principal, issue_token
from app.core.pagination import Keyset, encode_cursor
from app.core.settings import Settings
from app.graphql.ids import to_global_id
from app.graphql.schema import build_schema
from app.models import QueueHookEvent
from app.repositories import queues as queue_repo
from app.web import page_plans
from app.web.page_plans import PlannedPage
from tests.factories import OTHER_TENANT, create_flow_schema, create_hook, create_queue
from tests.fuzzing import budget
from tests.web.conftest import SECRET, serving

ARGUMENTS = (
    "queueId: $q, first: $first, after: $after, last: $last, before: $before, "
    "filter: $filter, orderBy: $orderBy"
)
VARIABLES = (
    "$q: ID!, $first: Int, $after: String, $last: Int, $before: String, "
    "$filter: QueueHookFilter, $orderBy: QueueHookOrder"
)
# The benchmark's page (bench/registry.py).
BENCH_SELECTION = """totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id event enabled version updatedAt updatedBy flowSchema { id name type } } }"""

HOOK_FIELDS = ["id", "event", "enabled", "version", "createdAt", "createdBy", "updatedAt",
               "updatedBy", "__typename"]  # fmt: skip
SCHEMA_FIELDS = ["id", "name", "type", "createdAt", "updatedAt", "__typename"]
PAGE_INFO_FIELDS = ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"]
# Each makes the document one the plan leaves to the general path.
UNPLANNED = [
    "total: totalCount",
    "totalCount @include(if: true)",
    "totalCount totalCount",
    "... on QueueHookConnection { totalCount }",
    "...Page",
    "nodes { queue { id name } }",
    "nodes { id nope }",
]


# Mostly what a screen sends, sometimes what it must not.
def sometimes(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(good, good, good, good, bad)


def fields(names: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True).map(
        " ".join
    )


HOOK = st.tuples(fields(HOOK_FIELDS), st.none() | fields(SCHEMA_FIELDS)).map(
    lambda parts: parts[0] + (f" flowSchema {{ {parts[1]} }}" if parts[1] else "")
)
CONNECTION_PARTS = st.one_of(
    st.just("totalCount"),
    st.just("__typename"),
    fields(PAGE_INFO_FIELDS).map(lambda f: f"pageInfo {{ {f} }}"),
    HOOK.map(lambda f: f"nodes {{ {f} }}"),
    st.tuples(st.booleans(), HOOK).map(
        lambda p: f"edges {{ {'cursor ' if p[0] else ''}node {{ {p[1]} }} }}"
    ),
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = draw(st.lists(CONNECTION_PARTS, min_size=1, max_size=5, unique=True))
    # The same field twice with other sub-selections would not validate: keep the first.
    selection: list[str] = []
    for part in parts:
        if all(other.split()[0] != part.split()[0] for other in selection):
            selection.append(part)
    # One in four leaves the plan's shape (a root alias, or one of UNPLANNED).
    extra = draw(
        st.one_of(st.none(), st.none(), st.none(), st.sampled_from([*UNPLANNED, "page: "]))
    )
    root = "queueHooks"
    if extra == "page: ":
        root = extra + root
    elif extra is not None:
        selection.insert(draw(st.integers(0, len(selection))), extra)
    body = f"query P({VARIABLES}) {{ {root}({ARGUMENTS}) {{ {' '.join(selection)} }} }}"
    if extra == "...Page":
        body += " fragment Page on QueueHookConnection { nodes { id } }"
    return body


EVENT_NAMES = [e.name for e in QueueHookEvent]
SORTS: dict[str, st.SearchStrategy[Any]] = {
    "EVENT": st.sampled_from([e.value for e in QueueHookEvent]),
    "FLOW_SCHEMA_NAME": st.sampled_from(["alpha", "bravo", "charlie", "zz"]),
    "ENABLED": st.booleans(),
    "CREATED_AT": st.datetimes(timezones=st.just(UTC)),
}


@st.composite
def cursors(draw: st.DrawFn) -> str:
    # Mostly the default order's (other orders' cursors are refused under it).
    field = draw(st.sampled_from(["EVENT"] * 4 + list(SORTS)))
    direction = draw(st.sampled_from(["asc", "asc", "desc"]))
    return encode_cursor(
        f"{field}:{direction}", Keyset(draw(SORTS[field]), draw(st.integers(1, 40)))
    )


PAGE_SIZES = sometimes(
    st.none() | st.integers(0, 100), st.integers(-2, 102) | st.sampled_from([-1, 101])
)
CURSORS = sometimes(st.none() | cursors(), st.sampled_from(["", "garbage", "WyJ4Il0"]))
FILTERS = st.none() | st.fixed_dictionaries(
    {},
    optional={
        "events": st.none() | st.lists(sometimes(st.sampled_from(EVENT_NAMES), st.just("NOPE"))),
        "enabled": st.none() | st.booleans(),
        "flowSchemaIds": st.lists(
            sometimes(
                st.builds(
                    to_global_id, st.sampled_from(["FlowSchema", "Queue"]), st.integers(1, 9)
                ),
                st.just("bad id"),
            ),
            max_size=2,
        ),
    },
)
ORDERS = st.none() | st.fixed_dictionaries(
    {},
    optional={
        "field": sometimes(st.sampled_from(list(SORTS)), st.just("NOPE")),
        "direction": st.sampled_from(["ASC", "DESC"]),
    },
)


@dataclass
class Registry:
    client: httpx.AsyncClient
    settings: Settings
    queue_ids: list[Any]

    async def post(
        self, body: dict[str, Any], token: str, accept: str, planned: bool
    ) -> httpx.Response:
        # The same app either way: the switch is read on every request.
        self.settings.page_plans_enabled = planned
        return await self.client.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}", "Accept": accept}
        )


@dataclass(frozen=True)
class Caller:
    principal: Principal

    @property
    def token(self) -> str:
        return issue_token(
            SECRET,
            tenant=self.principal.tenant,
            user=self.principal.user,
            permissions=tuple(self.principal.permissions),
        )


def caller(tenant: str = "acme", permissions: tuple[str, ...] = tuple(ALL_PERMISSIONS)) -> Caller:
    return Caller(Principal(user="u", tenant=tenant, permissions=frozenset(permissions)))


CALLERS = [caller(), caller(), caller(), caller(permissions=("queues:read",)),
           caller(OTHER_TENANT), caller(permissions=("flows:read",))]  # fmt: skip


PRINCIPAL = Principal(user="u", tenant="acme", permissions=frozenset(ALL_PERMISSIONS))
SCHEMA = build_schema()


@pytest.fixture
async def registry(database_url: str) -> AsyncIterator[Registry]:
    settings = Settings(
        app_env="test", database_url=database_url, jwt_secret=SECRET,
        rate_limit_per_second=0, request_log=False, response_cache_size=0,
    )  # fmt: skip
    async with serving(settings) as client:
        queue = await create_queue()
        schemas = [await create_flow_schema(name) for name in ("alpha", "bravo", "charlie")]
        events = list(QueueHookEvent)
        for i in range(14):
            await create_hook(queue, schemas[i % 3], events[(i * 3) % 8], enabled=i < 8)
        theirs = await create_queue(tenant=OTHER_TENANT)
        await create_hook(theirs, await create_flow_schema("theirs", tenant=OTHER_TENANT))
        empty = await create_queue("Empty")
        queue_ids: list[Any] = [
            to_global_id("Queue", q.pk) for q in (queue, queue, queue, queue, theirs, empty)
        ]
        queue_ids += [to_global_id("FlowSchema", schemas[0].pk), "no id", 7]
        yield Registry(client, settings, queue_ids)


@st.composite
def clean_variables(draw: st.DrawFn) -> dict[str, Any]:
    """What the registry screen sends: valid sizes, filters, and a cursor of the order."""
    order = draw(st.none() | st.fixed_dictionaries({"field": st.sampled_from(list(SORTS)),
                                                     "direction": st.sampled_from(["ASC", "DESC"])}))  # fmt: skip
    variables: dict[str, Any] = {"first": draw(st.none() | st.integers(0, 100))}
    if order is not None:
        variables["orderBy"] = order
    field, direction = (order["field"], order["direction"].lower()) if order else ("EVENT", "asc")
    if draw(st.booleans()):
        value = draw(SORTS[field])
        variables["after"] = encode_cursor(
            f"{field}:{direction}", Keyset(value, draw(st.integers(1, 40)))
        )
    given = draw(st.none() | st.fixed_dictionaries({}, optional={
        "events": st.lists(st.sampled_from(EVENT_NAMES), max_size=3),
        "enabled": st.booleans(),
    }))  # fmt: skip
    if given is not None:
        variables["filter"] = given
    return variables


# Anything goes: out-of-range sizes, first with last, foreign cursors, bad enum values.
ANY_VARIABLES = st.fixed_dictionaries(
    {"first": PAGE_SIZES},
    optional={
        "last": PAGE_SIZES,
        "after": CURSORS,
        "before": CURSORS,
        "filter": FILTERS,
        "orderBy": ORDERS,
    },
)


@budget(test=80, fuzz=2000)
@given(
    query=documents(),
    data=st.data(),
    variables=st.one_of(clean_variables(), clean_variables(), ANY_VARIABLES),
    who=st.sampled_from(CALLERS),
    accept=st.sampled_from(["application/json", "application/graphql-response+json"]),
)
async def test_both_paths_answer_the_same_bytes(
    registry: Registry,
    query: str,
    data: st.DataObject,
    variables: dict[str, Any],
    who: Caller,
    accept: str,
) -> None:
    variables = {"q": data.draw(st.sampled_from(registry.queue_ids)), **variables}
    body = {"query": query, "variables": variables}

    planned = await registry.post(body, who.token, accept, planned=True)
    general = await registry.post(body, who.token, accept, planned=False)

    assert planned.status_code == general.status_code, (body, planned.text, general.text)
    assert planned.headers["content-type"] == general.headers["content-type"]
    assert planned.content == general.content, body
    event(
        "outcome",
        general.json()["errors"][0]["message"][:40] if b'"errors"' in general.content else "page",
    )
    # Which path answered (pytest --hypothesis-show-statistics): the same call the
    # endpoint makes.
    registry.settings.page_plans_enabled = True
    by_plan = await page_plans.answer(
        SCHEMA, registry.settings, query, variables, None, who.principal
    )
    event("path", "plan" if by_plan is not None else "general")
    if by_plan is not None:
        assert by_plan.body == general.content
        # A revision to cache under exactly when the queue was the caller's
        shown = orjson.loads(by_plan.body)["data"]["queueHooks"]
        assert (by_plan.revision is not None) == (shown is not None)


async def planned_answer(query: str, variables: dict[str, Any]) -> PlannedPage | None:
    settings = Settings(app_env="test", jwt_secret=SECRET)
    return await page_plans.answer(SCHEMA, settings, query, variables, None, PRINCIPAL)


async def test_the_plan_answers_the_registry_page(database: str) -> None:
    queue = await create_queue()
    await create_hook(queue, await create_flow_schema())
    query = f"query P({VARIABLES}) {{ queueHooks({ARGUMENTS}) {{ {BENCH_SELECTION} }} }}"

    answered = await planned_answer(query, {"q": to_global_id("Queue", queue.pk), "first": 20})

    assert answered is not None
    assert b'"totalCount":1' in answered.body
    assert answered.revision == await queue_repo.revision_of(queue.tenant, queue.pk)


@pytest.mark.parametrize("extra", UNPLANNED)
async def test_other_shapes_take_the_general_path(database: str, extra: str) -> None:
    queue = await create_queue()
    query = f"query P({VARIABLES}) {{ queueHooks({ARGUMENTS}) {{ nodes {{ id }} {extra} }} }}"
    if extra == "...Page":
        query += " fragment Page on QueueHookConnection { nodes { id } }"

    assert await planned_answer(query, {"q": to_global_id("Queue", queue.pk)}) is None


@pytest.mark.parametrize(
    "variables",
    [{"first": 101}, {"first": -1}, {"after": "garbage"}, {"first": 1, "last": 1}, {"q": "x"}],
)
async def test_requests_that_would_fail_take_the_general_path(
    database: str, variables: dict[str, Any]
) -> None:
    queue = await create_queue()
    query = f"query P({VARIABLES}) {{ queueHooks({ARGUMENTS}) {{ nodes {{ id }} }} }}"

    answered = await planned_answer(query, {"q": to_global_id("Queue", queue.pk), **variables})

    assert answered is None
