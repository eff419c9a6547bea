"""Generated hostile values, built from real ones, over HTTP (POST, GET) and WebSocket.

A registry is seeded; its real ids and cursors (every connection, every order) are
read back, then mutated as an attacker would: type swaps, huge numbers, NUL bytes,
other scripts' digits, whitespace, another type's id, truncation, stray padding.
They are sent in every argument kind (ids, id lists, cursors, page sizes, search
and name strings, enums' inputs), with variables that override defaults, deep
nesting of documents and of variables.

Invariant: a JSON answer with data or errors, each error with a client code; never
INTERNAL_SERVER_ERROR, never a 5xx; no table changes unless a mutation succeeded.
Budget: tests/fuzzing.py (`make test` a fixed handful, `make fuzz` about 10,000).
"""

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from app.core.settings import Settings
from tests.fuzzing import budget
from tests.live.servers import Subscriber, authed_subscriber, running_server
from tests.live.servers import token as live_token
from tests.web.conftest import SECRET, serving
from tests.web.test_generated_operations import READER, SEED, WRITER, Registry, succeeded

SERVER_ERRORS = {"INTERNAL_SERVER_ERROR"}

# Each operation names its variables; `kinds` says what each takes.
OPERATIONS: list[tuple[str, dict[str, str]]] = [
    ("query($id: ID!) { node(id: $id) { id } queue(id: $id) { id name } "
     "queueHook(id: $id) { id } flowSchema(id: $id) { id } }", {"id": "id"}),
    ("query($q: ID!, $c: String, $n: Int, $o: QueueHookOrder, $f: QueueHookFilter) { "
     "queueHooks(queueId: $q, first: $n, after: $c, orderBy: $o, filter: $f) { totalCount "
     "edges { cursor } nodes { id } pageInfo { endCursor } } }",
     {"q": "id", "c": "cursor", "n": "int", "o": "order", "f": "filter"}),
    ("query($q: ID!, $c: String, $n: Int, $o: QueueHookOrder) { queueHooks(queueId: $q, "
     "last: $n, before: $c, orderBy: $o) { nodes { id } } }",
     {"q": "id", "c": "cursor", "n": "int", "o": "order"}),
    ("query($q: ID!, $c: String, $n: Int = 1) { queue(id: $q) { hooks(first: $n, after: $c) "
     "{ nodes { id queue { hooks(first: $n) { nodes { id queue { hooks(first: $n) "
     "{ nodes { id } } } } } } } } } }", {"q": "id", "c": "cursor", "n": "int"}),
    ("query($s: String, $c: String, $n: Int) { queues(search: $s, after: $c, first: $n) "
     "{ totalCount nodes { id name } } flowSchemas(search: $s, after: $c, first: $n) "
     "{ totalCount nodes { id } } }", {"s": "text", "c": "cursor", "n": "int"}),
    ("mutation($id: ID!, $on: Boolean!) { setQueueHookEnabled(id: $id, enabled: $on) "
     "{ __typename } }", {"id": "id", "on": "bool"}),
    ("mutation($ids: [ID!]!) { deleteQueueHooks(ids: $ids) { __typename } }", {"ids": "ids"}),
    ("mutation($q: ID!, $s: ID!, $e: QueueHookEvent!) { createQueueHook(input: {queueId: $q, "
     "flowSchemaId: $s, event: $e, enabled: false}) { __typename } }",
     {"q": "id", "s": "id", "e": "event"}),
    ("mutation($id: ID!, $s: ID, $v: Int) { updateQueueHook(input: {id: $id, flowSchemaId: $s, "
     "expectedVersion: $v}) { __typename } }", {"id": "id", "s": "id", "v": "int"}),
    ("mutation($id: ID!, $n: String!) { renameQueue(id: $id, name: $n) { __typename } "
     "renameFlowSchema(id: $id, name: $n) { __typename } }", {"id": "id", "n": "text"}),
    ("mutation($n: String!) { createQueue(input: {name: $n, type: INBOUND}) { __typename } }",
     {"n": "text"}),
    ("mutation($id: ID!) { deleteQueue(id: $id) { __typename } deleteFlowSchema(id: $id) "
     "{ __typename } }", {"id": "id"}),
]  # fmt: skip


@dataclass
class Real:
    """Ids and cursors read back from the seeded registry."""

    ids: list[str]
    cursors: list[str]


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return text.encode()


NUMBERS = (
    st.sampled_from([0, -1, 2**31, 2**31 - 1, 2**53, 2**63, 2**64, 10**30, 99_999_999_999])
    | st.integers()
)
WEIRD_TEXT = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\u00a0", "\u2003", "\t", "\n", "\ud7ff", "\u202e",
     "\u0662\u0667\u0660", "\uff12\uff17", "0270", "+1", "1_0", " 1", "1 ", "null", "[]", "{}"]
) | st.text(max_size=30) | st.integers(190, 6000).map(lambda n: "x" * n)  # fmt: skip
TYPE_NAMES = st.sampled_from(["Queue", "QueueHook", "FlowSchema", "Nope", "", "queue", "Queue "])


@st.composite
def mutated_id(draw: st.DrawFn, real: Real) -> str:
    original = draw(st.sampled_from(real.ids))
    type_name, _, pk = unb64(original).decode(errors="replace").partition(":")
    how = draw(st.integers(0, 6))
    if how == 0:
        return original  # the real thing, sometimes
    if how == 1:  # another type's id, or no type
        return b64(f"{draw(TYPE_NAMES)}:{pk}".encode())
    if how == 2:  # another number, or text where the number goes
        tail = draw(st.one_of(NUMBERS.map(str), WEIRD_TEXT))
        return b64(f"{type_name}:{tail}".encode(errors="surrogatepass"))
    if how == 3:  # the same number spelled otherwise
        spelled = draw(st.sampled_from([f"0{pk}", f" {pk}", f"+{pk}", f"{pk} ", f"{pk}\x00"]))
        return b64(f"{type_name}:{spelled}".encode())
    if how == 4:  # the encoded text damaged
        cut = draw(st.integers(0, len(original)))
        return draw(st.sampled_from([original[:cut], original + "=", original + "\x00",
                                     " " + original, original.upper(), original + "==="]))  # fmt: skip
    if how == 5:
        return draw(WEIRD_TEXT)
    return draw(st.sampled_from(real.cursors)) if real.cursors else original  # a cursor


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | WEIRD_TEXT | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)


@st.composite
def mutated_cursor(draw: st.DrawFn, real: Real) -> str:
    original = draw(st.sampled_from(real.cursors))
    try:
        parts = json.loads(unb64(original))
    except ValueError:
        parts = ["name", "x", 1]
    how = draw(st.integers(0, 5))
    if how == 0:
        return original
    if how in (1, 2, 3):  # one part replaced: the sort, the value, the id
        parts[how - 1] = draw(JSON_VALUES)
        text = json.dumps(parts, ensure_ascii=draw(st.booleans()))
        return b64(text.encode(errors="surrogatepass"))
    if how == 4:
        cut = draw(st.integers(0, len(original)))
        return draw(
            st.sampled_from([original[:cut], original + "\x00", original + "==", "a" * 3000])
        )
    return draw(mutated_id(real))  # an id where a cursor goes


def deep_list(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


@st.composite
def value_of(draw: st.DrawFn, kind: str, real: Real) -> Any:
    if draw(st.integers(0, 9)) == 0:  # any kind where another is expected
        return draw(JSON_VALUES)
    if kind == "id":
        return draw(mutated_id(real))
    if kind == "ids":
        return draw(st.lists(mutated_id(real), max_size=4) | st.integers(1, 200).map(deep_list))
    if kind == "cursor":
        return draw(mutated_cursor(real))
    if kind == "int":
        return draw(NUMBERS | st.sampled_from([1, 10, 60, 100, 101]))
    if kind == "text":
        return draw(WEIRD_TEXT)
    if kind == "bool":
        return draw(st.booleans())
    if kind == "event":
        return draw(st.sampled_from(["JOINED", "MISSED", "joined", "NOPE"]))
    if kind == "order":
        field = draw(st.sampled_from(["EVENT", "FLOW_SCHEMA_NAME", "ENABLED", "CREATED_AT", "X"]))
        return {"field": field, "direction": draw(st.sampled_from(["ASC", "DESC"]))}
    return {"events": draw(st.lists(st.sampled_from(["JOINED", "ANSWERED"]), max_size=2)),
            "flowSchemaIds": draw(st.lists(mutated_id(real), max_size=2))}  # fmt: skip


@st.composite
def requests(draw: st.DrawFn, real: Real) -> tuple[str, dict[str, Any], str | None]:
    """(document, variables, operation name)."""
    kind = draw(st.integers(0, 9))
    if kind == 0:  # deep documents
        levels = draw(st.integers(1, 40))
        field = draw(
            st.sampled_from(["hooks(first: 100) { nodes { queue { ", "hooks { nodes { queue { "])
        )
        query = "{ queues { nodes { " + field * levels + "id" + " } } }" * levels + " } } }"
        return query, {}, None
    query, kinds = draw(st.sampled_from(OPERATIONS))
    variables = {name: draw(value_of(kind, real)) for name, kind in kinds.items()
                 if draw(st.integers(0, 7))}  # fmt: skip  # sometimes missing
    operation_name = None
    if kind == 1:
        query = query.replace("query(", "query Named(").replace("mutation(", "mutation Named(")
        operation_name = draw(st.sampled_from(["Named", "Other", ""]))
    return query, variables, operation_name


def assert_answer(body: Any, context: Any) -> None:
    assert isinstance(body, dict), context
    assert "data" in body or "errors" in body, (context, body)
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code, ("an error without a code", context, error)
        assert code not in SERVER_ERRORS, (context, error)
        event("code", code)


@dataclass
class Seeded:
    registry: Registry
    real: Real


async def read_real(client: httpx.AsyncClient, token: str = WRITER) -> Real:
    query = """{ queues(first: 20) { edges { cursor node { id hooks(first: 20) { edges { cursor
      node { id } } } } } } flowSchemas(types: [SERVICE, DEFAULT, VOICE], first: 100) {
      edges { cursor node { id } } } }"""
    orders = [f"{{field: {f}, direction: {d}}}" for f in ("EVENT", "FLOW_SCHEMA_NAME",
              "ENABLED", "CREATED_AT") for d in ("ASC", "DESC")]  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    answer = (await client.post("/graphql", json={"query": query}, headers=headers)).json()
    assert "data" in answer, answer
    data = answer["data"]
    ids, cursors = [], []
    for edge in data["queues"]["edges"] + data["flowSchemas"]["edges"]:
        ids.append(edge["node"]["id"])
        cursors.append(edge["cursor"])
    queue_id = data["queues"]["edges"][0]["node"]["id"]
    for order in orders:
        page = f'{{ queueHooks(queueId: "{queue_id}", orderBy: {order}) {{ edges {{ cursor node {{ id }} }} }} }}'
        hooks = (await client.post("/graphql", json={"query": page}, headers=headers)).json()
        for edge in hooks["data"]["queueHooks"]["edges"]:
            ids.append(edge["node"]["id"])
            cursors.append(edge["cursor"])
    return Real(ids=sorted(set(ids)), cursors=sorted(set(cursors)))


@pytest.fixture
async def seeded(database_url: str) -> AsyncIterator[Seeded]:
    settings = Settings(
        app_env="production", database_url=database_url, jwt_secret=SECRET,
        rate_limit_per_second=0, request_log=False, response_cache_size=0,
    )  # fmt: skip
    async with serving(settings) as client:
        registry = Registry(client)
        await seed(registry.post)
        yield Seeded(registry, await read_real(client))


async def seed(post: Any) -> None:
    for mutation in SEED:
        await post(mutation)
    for n, event_name in enumerate(("JOINED", "ANSWERED", "MISSED", "JOINED")):
        await post(
            f'mutation {{ createQueueHook(input: {{queueId: "{b64(b"Queue:1")}", flowSchemaId: '
            f'"{b64(b"FlowSchema:1")}", event: {event_name}, enabled: {str(n < 3).lower()}}}) '
            "{ __typename } }"
        )


@budget(test=30, fuzz=4000)
@given(data=st.data())
async def test_hostile_values_over_http(seeded: Seeded, data: st.DataObject) -> None:
    query, variables, operation_name = data.draw(requests(seeded.real), "request")
    method = data.draw(st.sampled_from(["POST", "POST", "GET"]), "method")
    token = data.draw(st.sampled_from([WRITER, WRITER, READER]), "token")
    accept = data.draw(st.sampled_from(["application/json", "application/graphql-response+json"]))
    headers = {"Authorization": f"Bearer {token}", "Accept": accept}
    body: dict[str, Any] = {"query": query, "variables": variables}
    if operation_name is not None:
        body["operationName"] = operation_name
    registry = seeded.registry

    before = await registry.snapshot()
    if method == "POST":
        response = await registry.client.post(
            "/graphql",
            content=json.dumps(body),
            headers={**headers, "Content-Type": "application/json"},
        )
    else:
        params = {**body, "variables": json.dumps(variables)}
        response = await registry.client.get("/graphql", params=params, headers=headers)
    after = await registry.snapshot()

    context = (method, query, variables, operation_name, response.status_code, response.text[:500])
    assert response.status_code < 500, context
    assert response.headers.get("x-request-id"), context
    assert_answer(response.json(), context)
    if after != before:
        assert succeeded(response.json()), ("changed without a successful mutation", context)
    event("outcome", "changed" if after != before else "no change")
    event("transport", method)
    event("status", response.status_code)


@pytest.fixture
async def live(database_url: str) -> AsyncIterator[tuple[Subscriber, Real]]:
    with running_server(database_url, RATE_LIMIT_PER_SECOND="0") as server:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{server.port}", timeout=10
        ) as client:

            async def post(query: str) -> None:
                await client.post("/graphql", json={"query": query},
                                  headers={"Authorization": f"Bearer {live_token()}"})  # fmt: skip

            await seed(post)
            real = await read_real(client, live_token())
        subscriber = await authed_subscriber(server)
        yield subscriber, real
        await subscriber.close()


@budget(test=20, fuzz=1000)
@given(data=st.data())
async def test_hostile_values_over_websocket(
    live: tuple[Subscriber, Real], data: st.DataObject
) -> None:
    subscriber, real = live
    query, variables, operation_name = data.draw(requests(real), "request")
    if data.draw(st.booleans(), "as a subscription"):
        query, variables = (
            "subscription($q: ID!, $a: Int) { queueHooksChanged(queueId: $q, afterRevision: $a) "
            "{ __typename ... on QueueHookChange { revision hook { id } } } }",
            {"q": data.draw(mutated_id(real)), "a": data.draw(NUMBERS)},
        )
        operation_name = None

    op_id = await subscriber.subscribe(query, variables, operation_name)
    while True:  # a live subscription answers nothing until a change: complete it
        try:
            message = await subscriber.receive(
                within=1.5 if query.startswith("subscription") else 10
            )
        except TimeoutError:
            await subscriber.connection.send(json.dumps({"id": op_id, "type": "complete"}))
            message = {"type": "complete", "id": op_id}
        if message.get("id") == op_id:
            break

    context = (query, variables, operation_name, message)
    assert message["type"] in ("next", "error", "complete"), context
    if message["type"] == "error":
        assert_answer({"errors": message["payload"]}, context)
        event("outcome", "error")
    elif message["type"] == "next":
        assert_answer(message["payload"], context)
        event("outcome", "next")
        if not query.startswith("subscription"):
            done = await subscriber.receive()
            assert done == {"id": op_id, "type": "complete"}, (context, done)
