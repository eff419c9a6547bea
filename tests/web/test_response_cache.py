"""Identical registry reads come from the cache, and never a stale one."""

from typing import Any

import httpx

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.models import QueueHookEvent
from app.web.response_cache import CachedAnswer, ResponseCache
from tests.factories import OTHER_TENANT, create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid
from tests.web.conftest import SECRET

PAGE = """query($q: ID!) { queueHooks(queueId: $q) { totalCount
  nodes { id enabled flowSchema { name } } } }"""


def bearer(tenant: str = "acme") -> dict[str, str]:
    value = issue_token(SECRET, tenant=tenant, user="u", permissions=tuple(ALL_PERMISSIONS))
    return {"Authorization": f"Bearer {value}"}


async def read(
    http: httpx.AsyncClient, variables: dict[str, Any], query: str = PAGE, tenant: str = "acme"
) -> httpx.Response:
    return await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=bearer(tenant)
    )


async def test_an_identical_read_is_served_from_the_cache(http: httpx.AsyncClient) -> None:
    queue = await create_queue()
    await create_hook(queue, await create_flow_schema())
    variables = {"q": gid("Queue", queue.pk)}

    first = await read(http, variables)
    second = await read(http, variables)

    assert first.headers["x-response-cache"] == "miss"
    assert second.headers["x-response-cache"] == "hit"
    assert second.content == first.content


async def test_a_read_after_a_write_sees_the_write(http: httpx.AsyncClient) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema, QueueHookEvent.JOINED, enabled=False)
    variables = {"q": gid("Queue", queue.pk)}
    await read(http, variables)
    await read(http, variables)

    toggled = await http.post(
        "/graphql",
        json={
            "query": "mutation($id: ID!) { setQueueHookEnabled(id: $id, enabled: true) { __typename } }",
            "variables": {"id": gid("QueueHook", hook.pk)},
        },
        headers=bearer(),
    )
    after = await read(http, variables)

    assert (
        toggled.json()["data"]["setQueueHookEnabled"]["__typename"] == "SetQueueHookEnabledSuccess"
    )
    assert after.headers["x-response-cache"] == "miss"
    assert after.json()["data"]["queueHooks"]["nodes"][0]["enabled"] is True


async def test_renaming_a_flow_schema_moves_the_pages_that_show_it(http: httpx.AsyncClient) -> None:
    queue = await create_queue()
    schema = await create_flow_schema("Old name")
    await create_hook(queue, schema)
    variables = {"q": gid("Queue", queue.pk)}
    await read(http, variables)

    await http.post(
        "/graphql",
        json={
            "query": 'mutation($id: ID!) { renameFlowSchema(id: $id, name: "New name") { __typename } }',
            "variables": {"id": gid("FlowSchema", schema.pk)},
        },
        headers=bearer(),
    )
    after = await read(http, variables)

    assert after.json()["data"]["queueHooks"]["nodes"][0]["flowSchema"]["name"] == "New name"


async def test_another_tenant_never_gets_a_cached_page(http: httpx.AsyncClient) -> None:
    queue = await create_queue()
    await create_hook(queue, await create_flow_schema())
    variables = {"q": gid("Queue", queue.pk)}
    await read(http, variables)
    await read(http, variables)

    foreign = await read(http, variables, tenant=OTHER_TENANT)

    assert foreign.json() == {"data": {"queueHooks": None}}
    assert "x-response-cache" not in foreign.headers


async def test_a_page_that_shows_the_queue_is_not_cached(http: httpx.AsyncClient) -> None:
    queue = await create_queue()
    await create_hook(queue, await create_flow_schema())
    query = "query($q: ID!) { queueHooks(queueId: $q) { nodes { queue { name } } } }"

    responses = [await read(http, {"q": gid("Queue", queue.pk)}, query) for _ in range(2)]

    assert all("x-response-cache" not in r.headers for r in responses)


def test_an_answer_read_earlier_never_replaces_a_newer_one() -> None:
    """A slow request that read revision 1 finishes after a fast one stored revision 2:
    the entry keeps revision 2, which later reads at revision 2 can use."""
    cache = ResponseCache(size=4)
    key = ("acme", "query", None, b"{}", "application/json")
    cache.put(key, 2, b"new")
    cache.put(key, 1, b"old")
    cache.put(key, 2, b"new again")

    assert cache.get(key) == CachedAnswer(2, b"new again")
