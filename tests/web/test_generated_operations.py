"""Generated operations against the real app: never a 500, no change but by a success.

hypothesis-graphql writes documents from `schema.graphql`: valid ones (every field,
argument and enum value of the contract, ids that do and do not exist) and invalid
ones (wrong types, missing arguments, bad values). Each is sent to the real ASGI app
over HTTP on a real, migrated database holding a small registry, with a token that
may write or may only read. After each request, every table is compared with what
it held before: a change is only allowed when the response reports a successful
mutation (a `...Success` result).
"""

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    StringValueNode,
    print_ast,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import strategies as gql
from tortoise import connections

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.settings import Settings
from app.graphql.ids import to_global_id
from app.graphql.schema import SDL_PATH
from tests.web.conftest import SECRET, serving

SCHEMA = SDL_PATH.read_text()
TABLES = ("queue", "flow_schema", "queue_hook", "queue_hook_change", "queue_hook_count")
WRITER = issue_token(SECRET, tenant="acme", user="w", permissions=tuple(ALL_PERMISSIONS))
READER = issue_token(SECRET, tenant="acme", user="r", permissions=("queues:read", "flows:read"))

# Ids of every kind, most of which exist (pks 1-4 of the seeded registry), some not;
# and text that is no id at all.
IDS = st.one_of(
    st.builds(
        to_global_id, st.sampled_from(["Queue", "QueueHook", "FlowSchema"]), st.integers(1, 6)
    ),
    st.text(max_size=12),
).map(lambda value: StringValueNode(value=value))
CUSTOM_SCALARS = {"ID": IDS}


def documents(mode: gql.Mode) -> st.SearchStrategy[str]:
    return st.one_of(
        gql.queries(SCHEMA, custom_scalars=CUSTOM_SCALARS, print_ast=_with_typenames, mode=mode),
        gql.mutations(SCHEMA, custom_scalars=CUSTOM_SCALARS, print_ast=_with_typenames, mode=mode),
    )


def _with_typenames(document: DocumentNode) -> str:
    """Ask every mutation result for its __typename, so that successes can be told."""
    typename = FieldNode(name=NameNode(value="__typename"))

    def asking(field: SelectionNode) -> SelectionNode:
        if not isinstance(field, FieldNode) or field.selection_set is None:
            return field
        selections = (*field.selection_set.selections, typename)
        return replace(field, selection_set=replace(field.selection_set, selections=selections))

    definitions = []
    for definition in document.definitions:
        if (
            isinstance(definition, OperationDefinitionNode)
            and definition.operation is OperationType.MUTATION
        ):
            roots = tuple(asking(field) for field in definition.selection_set.selections)
            selection_set = replace(definition.selection_set, selections=roots)
            definition = replace(definition, selection_set=selection_set)
        definitions.append(definition)
    return print_ast(replace(document, definitions=tuple(definitions)))


@dataclass
class Registry:
    client: httpx.AsyncClient

    async def post(
        self, query: str, token: str = WRITER, accept: str = "application/json"
    ) -> httpx.Response:
        return await self.client.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {token}", "Accept": accept},
        )

    async def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        connection = connections.get("default")
        return {
            table: await connection.execute_query_dict(f'SELECT * FROM "{table}" ORDER BY 1, 2')
            for table in TABLES
        }


SEED = [
    'mutation { createQueue(input: {name: "Outbound IVR", type: OUTBOUND_IVR}) { __typename } }',
    'mutation { createQueue(input: {name: "Inbound", type: INBOUND}) { __typename } }',
    'mutation { createFlowSchema(input: {name: "CRM sync", type: SERVICE}) { __typename } }',
    'mutation { createFlowSchema(input: {name: "Voice bot", type: VOICE}) { __typename } }',
]


@pytest.fixture
async def registry(database_url: str) -> AsyncIterator[Registry]:
    settings = Settings(
        app_env="production", database_url=database_url, jwt_secret=SECRET,
        rate_limit_per_second=0, request_log=False, introspection_enabled=True,
    )  # fmt: skip
    async with serving(settings) as client:
        registry = Registry(client)
        for mutation in SEED:
            assert (await registry.post(mutation)).json()["data"], mutation
        queue, schema = to_global_id("Queue", 1), to_global_id("FlowSchema", 1)
        for event in ("JOINED", "ANSWERED", "MISSED"):
            hook = (
                f'mutation {{ createQueueHook(input: {{queueId: "{queue}", '
                f'flowSchemaId: "{schema}", event: {event}, enabled: true}}) {{ __typename }} }}'
            )
            response = await registry.post(hook)
            assert response.json()["data"]["createQueueHook"]["__typename"] == (
                "CreateQueueHookSuccess"
            ), response.text
        yield registry


def succeeded(body: dict[str, Any]) -> bool:
    """Some mutation ran to the end: it answered a `...Success`, or its result was
    nulled by an error inside the selection (below the root field: the mutation
    returned and committed, then e.g. a nested page argument was refused)."""
    data = body.get("data") or {}
    failed_below = {
        error["path"][0] for error in body.get("errors", []) if len(error.get("path") or ()) > 1
    }
    return any(
        (isinstance(value, dict) and str(value.get("__typename", "")).endswith("Success"))
        or (value is None and key in failed_below)
        for key, value in data.items()
    )


async def check(registry: Registry, query: str, token: str, accept: str) -> None:
    before = await registry.snapshot()
    response = await registry.post(query, token, accept)
    after = await registry.snapshot()

    assert response.status_code < 500, (query, response.text)
    body = response.json()
    assert "data" in body or "errors" in body, body
    for error in body.get("errors", []):
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", (query, body)
    if after != before:
        assert succeeded(body), ("changed without a successful mutation", query, body)
    # What was explored (pytest --hypothesis-show-statistics).
    event("status", response.status_code)
    event(
        "outcome", "changed" if after != before else "succeeded" if succeeded(body) else "no change"
    )


ACCEPT = st.sampled_from(["application/json", "application/graphql-response+json"])
PROPERTY = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(
    query=documents(gql.Mode.POSITIVE),
    token=st.sampled_from([WRITER, WRITER, READER]),
    accept=ACCEPT,
)
async def test_valid_operations(registry: Registry, query: str, token: str, accept: str) -> None:
    await check(registry, query, token, accept)


@PROPERTY
@given(query=documents(gql.Mode.NEGATIVE), token=st.sampled_from([WRITER, READER]), accept=ACCEPT)
async def test_invalid_operations(registry: Registry, query: str, token: str, accept: str) -> None:
    await check(registry, query, token, accept)


@PROPERTY
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=10), inner, max_size=3)
            ),
            max_leaves=8,
        ).map(lambda value: httpx.Request("POST", "/", json=value).content),
        st.fixed_dictionaries(
            {"query": st.text(max_size=80)},
            optional={
                "variables": st.dictionaries(
                    st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=2
                ),
                "operationName": st.text(max_size=5) | st.integers(),
            },
        ).map(lambda value: httpx.Request("POST", "/", json=value).content),
    ),
    content_type=st.sampled_from(
        ["application/json", "application/json; charset=utf-8", "text/plain"]
    ),
)
async def test_arbitrary_bodies(registry: Registry, body: bytes, content_type: str) -> None:
    before = await registry.snapshot()
    response = await registry.client.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {WRITER}", "Content-Type": content_type},
    )
    after = await registry.snapshot()

    assert response.status_code < 500, (body, response.text)
    assert "errors" in response.json() or "data" in response.json()
    if after != before:
        assert succeeded(response.json()), (body, response.text)
