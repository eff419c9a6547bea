"""Requests that cannot run answer a JSON GraphQL error with a client code and a
request id, on POST and GET alike; never a plain-text 500."""

from typing import Any

import httpx
import orjson
import pytest

from tests.web.test_hostile_input import bearer

CLIENT_CODES = {
    "BAD_REQUEST",
    "BAD_USER_INPUT",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "OPERATION_RESOLUTION_FAILURE",
    "QUERY_TOO_COSTLY",
}


def nested(levels: int) -> str:
    return (
        "{ queues { nodes { "
        + "hooks(first: 100) { nodes { queue { " * levels
        + "id"
        + " } } }" * levels
        + " } } }"
    )


def deep(depth: int) -> str:
    levels = depth // 3
    return (
        "{ queues { nodes { "
        + "hooks { nodes { queue { " * levels
        + "id"
        + " } } }" * levels
        + " } } }"
    )


def deep_list(levels: int) -> str:
    """JSON text of lists `levels` deep (as text: orjson writes 255 levels at most)."""
    return '{"x": ' + "[" * levels + "1" + "]" * levels + "}"


COSTLY = """query($q: ID!, $n: Int = 1) { queue(id: $q) { hooks(first: $n) { nodes { id
  queue { hooks(first: $n) { nodes { id queue { hooks(first: $n) { nodes { id } } } } } } } } } }"""


async def send(
    client: httpx.AsyncClient, method: str, body: dict[str, Any], accept: str
) -> httpx.Response:
    """`body` as a POST or a GET; a `variables` string is sent as JSON text as it is."""
    headers = {**bearer(), "Accept": accept}
    texts = {
        key: value
        if key == "variables" and isinstance(value, str)
        else orjson.dumps(value).decode()
        for key, value in body.items()
    }
    if method == "POST":
        content = "{" + ",".join(f"{orjson.dumps(k).decode()}:{v}" for k, v in texts.items()) + "}"
        headers["Content-Type"] = "application/json"
        return await client.post("/graphql", content=content, headers=headers)
    params = {key: body[key] if key != "variables" else text for key, text in texts.items()}
    return await client.get("/graphql", params=params, headers=headers)


def assert_client_error(response: httpx.Response, *codes: str) -> list[dict[str, Any]]:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/"), response.text
    assert response.headers.get("x-request-id"), response.headers
    errors: list[dict[str, Any]] = response.json()["errors"]
    found = [error.get("extensions", {}).get("code") for error in errors]
    assert found, errors
    assert set(found) <= CLIENT_CODES, errors
    assert set(codes) <= set(found), errors
    return errors


CASES: dict[str, tuple[dict[str, Any], str]] = {
    "cost past 64 bits": ({"query": nested(10)}, "GRAPHQL_VALIDATION_FAILED"),
    "depth 50": ({"query": deep(50)}, "GRAPHQL_VALIDATION_FAILED"),
    "variables 260 lists deep": (
        {"query": "query($x: [Int]) { queues { totalCount } }", "variables": deep_list(260)},
        "BAD_REQUEST",
    ),
    "unknown operation name": (
        {"query": "query A { queues { totalCount } }", "operationName": "B"},
        "OPERATION_RESOLUTION_FAILURE",
    ),
    "syntax error": ({"query": "{ queues { "}, "GRAPHQL_PARSE_FAILED"),
    "missing variable": (
        {"query": "query($q: ID!) { queue(id: $q) { id } }"},
        "BAD_USER_INPUT",
    ),
    "cost from a variable": (
        {"query": COSTLY, "variables": {"q": "UXVldWU6MQ", "n": 60}},
        "QUERY_TOO_COSTLY",
    ),
}


@pytest.mark.parametrize(
    ("method", "accept"),
    [("POST", "application/graphql-response+json"), ("GET", "application/json")],
)
@pytest.mark.parametrize("case", list(CASES))
async def test_a_request_that_cannot_run_is_a_json_client_error(
    http: httpx.AsyncClient, case: str, method: str, accept: str
) -> None:
    body, code = CASES[case]

    response = await send(http, method, body, accept)

    assert_client_error(response, code)
