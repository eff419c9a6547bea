"""GraphQL over HTTP: media types, status codes, methods, authentication."""

import time
from typing import Any

import httpx
import jwt
import pytest

from app.core.identity import ALL_PERMISSIONS, Permission, issue_token
from app.models import Queue
from tests.web.conftest import SECRET

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def token(
    permissions: tuple[str, ...] = tuple(ALL_PERMISSIONS), secret: str = SECRET, ttl: int = 600
) -> str:
    return issue_token(
        secret, tenant="acme", user="http-test", permissions=permissions, ttl_seconds=ttl
    )


def auth(value: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {value or token()}"}


async def post(
    http: httpx.AsyncClient, body: Any, accept: str | None = GRAPHQL_RESPONSE, **headers: str
) -> httpx.Response:
    sent = {**auth(), **headers}
    if accept is not None:
        sent["Accept"] = accept
    return await http.post("/graphql", json=body, headers=sent)


async def test_a_query_answers_graphql_response_json_when_accepted(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": "{ queues { totalCount } }"})

    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json() == {"data": {"queues": {"totalCount": 0}}}
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("accept", [JSON, None, "*/*", "application/*;q=0.5"])
async def test_legacy_clients_get_application_json(
    http: httpx.AsyncClient, accept: str | None
) -> None:
    response = await post(http, {"query": "{ queues { totalCount } }"}, accept=accept)

    assert response.status_code == 200
    assert response.headers["content-type"] == JSON


async def test_an_unacceptable_accept_header_is_406(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": "{ queues { totalCount } }"}, accept="text/csv")

    assert response.status_code == 406


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        ("{ queues { ", None, "Syntax Error"),
        ("{ queues { nope } }", None, "Cannot query field 'nope'"),
        ("query($q: ID!) { queue(id: $q) { id } }", {"q": 5.5}, "Variable '$q'"),
        ("query($q: ID!) { queue(id: $q) { id } }", None, "Variable '$q'"),
    ],
    ids=["parse", "validation", "variable type", "variable missing"],
)
async def test_request_errors_are_400_with_graphql_response_json_and_200_with_json(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, message: str
) -> None:
    body = {"query": query, "variables": variables}

    modern = await post(http, body)
    legacy = await post(http, body, accept=JSON)

    assert modern.status_code == 400
    assert legacy.status_code == 200
    for response in (modern, legacy):
        assert "data" not in response.json()
        assert message in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"{not json", JSON, 400),
        (b"[1, 2]", JSON, 400),
        (b'{"variables": {}}', JSON, 400),
        (b'{"query": "{ queues { totalCount } }", "variables": [1]}', JSON, 400),
        (b'{"query": "{ queues { totalCount } }", "operationName": 5}', JSON, 400),
        (b"{ queues { totalCount } }", "text/plain", 415),
        # Falsy values of the wrong type are just as malformed.
        (b'{"query": "{ queues { totalCount } }", "variables": 0}', JSON, 400),
        (b'{"query": "{ queues { totalCount } }", "variables": false}', JSON, 400),
        (b'{"query": "{ queues { totalCount } }", "operationName": false}', JSON, 400),
        (b'{"query": "{ queues { totalCount } }", "extensions": "x"}', JSON, 400),
        (b'{"query": "{ queues { totalCount } }", "extensions": []}', JSON, 400),
    ],
    ids=[
        "bad json",
        "not an object",
        "no query",
        "variables list",
        "operation name",
        "text",
        "variables 0",
        "variables false",
        "operation name false",
        "extensions string",
        "extensions list",
    ],
)
async def test_malformed_requests(
    http: httpx.AsyncClient, content: bytes, content_type: str, status: int
) -> None:
    response = await http.post(
        "/graphql",
        content=content,
        headers={**auth(), "Content-Type": content_type, "Accept": GRAPHQL_RESPONSE},
    )

    assert response.status_code == status
    assert response.json()["errors"][0]["message"]


@pytest.mark.parametrize(("extensions", "status"), [("", 200), ("{}", 200), ("[]", 400)])
async def test_get_reads_extensions_as_a_json_object(
    http: httpx.AsyncClient, extensions: str, status: int
) -> None:
    params = {"query": "{ queues { totalCount } }", "extensions": extensions}

    response = await http.get("/graphql", params=params, headers={**auth(), "Accept": JSON})

    assert response.status_code == status


TWO_OPERATIONS = "query A { queues { totalCount } } query B { queues { nodes { id } } }"


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_several_operations_and_no_operation_name_is_a_request_error(
    http: httpx.AsyncClient, method: str
) -> None:
    headers = {**auth(), "Accept": GRAPHQL_RESPONSE}
    if method == "POST":
        response = await http.post("/graphql", json={"query": TWO_OPERATIONS}, headers=headers)
    else:
        response = await http.get("/graphql", params={"query": TWO_OPERATIONS}, headers=headers)

    assert response.status_code == 400
    assert "data" not in response.json()
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
    assert "operationName" in error["message"]


async def test_a_document_of_fragments_only_says_it_has_no_operation(
    http: httpx.AsyncClient,
) -> None:
    response = await post(http, {"query": "fragment F on Query { queues { totalCount } }"})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error == {
        "message": "the document has no operation to run (only fragments)",
        "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"},
    }


async def test_the_named_operation_of_several_runs(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": TWO_OPERATIONS, "operationName": "B"})

    assert response.json() == {"data": {"queues": {"nodes": []}}}


async def test_get_runs_queries(http: httpx.AsyncClient) -> None:
    await Queue.create(tenant="acme", name="Inbound", type="inbound")

    response = await http.get(
        "/graphql",
        params={
            "query": "query Q($s: String) { queues(search: $s) { totalCount } }",
            "variables": '{"s": "in"}',
        },
        headers={**auth(), "Accept": GRAPHQL_RESPONSE},
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"queues": {"totalCount": 1}}}


async def test_get_never_runs_a_mutation(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql",
        params={
            "query": 'mutation { createQueue(input: {name: "x", type: INBOUND}) { __typename } }'
        },
        headers={**auth(), "Accept": GRAPHQL_RESPONSE},
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert await Queue.all().count() == 0


async def test_other_methods_are_405(http: httpx.AsyncClient) -> None:
    response = await http.put(
        "/graphql", json={"query": "{ queues { totalCount } }"}, headers=auth()
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer not-a-jwt",
        f"Bearer {token(secret='another-secret-that-is-long-enough-too')}",
        f"Bearer {token(ttl=-10)}",
        "Bearer "
        + jwt.encode({"sub": "x", "exp": int(time.time()) + 60}, SECRET, algorithm="HS256"),
    ],
    ids=["none", "basic", "empty", "garbage", "wrong signature", "expired", "no tenant"],
)
async def test_no_valid_token_is_401(http: httpx.AsyncClient, authorization: str | None) -> None:
    headers = {"Accept": GRAPHQL_RESPONSE}
    if authorization is not None:
        headers["Authorization"] = authorization

    response = await http.post(
        "/graphql", json={"query": "{ queues { totalCount } }"}, headers=headers
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_a_missing_permission_is_a_forbidden_field_error(http: httpx.AsyncClient) -> None:
    response = await post(
        http,
        {"query": "{ queues { totalCount } flowSchemas { totalCount } }"},
        Authorization=f"Bearer {token((Permission.FLOWS_READ,))}",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"queues": None, "flowSchemas": {"totalCount": 0}}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["queues"]


async def test_a_mutation_over_post(http: httpx.AsyncClient) -> None:
    response = await post(
        http,
        {
            "query": "mutation($n: String!) { createQueue(input: {name: $n, type: INBOUND}) "
            "{ ... on CreateQueueSuccess { queue { name } } } }",
            "variables": {"n": "Support"},
            "operationName": None,
        },
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"createQueue": {"queue": {"name": "Support"}}}}


async def test_a_token_that_worked_is_refused_once_it_expires(http: httpx.AsyncClient) -> None:
    short = token(ttl=1)
    first = await post(
        http, {"query": "{ queues { totalCount } }"}, Authorization=f"Bearer {short}"
    )
    time.sleep(1.2)  # the token's lifetime is the thing under test  # noqa: ASYNC251

    second = await post(
        http, {"query": "{ queues { totalCount } }"}, Authorization=f"Bearer {short}"
    )

    assert first.status_code == 200
    assert second.status_code == 401
    assert second.json()["errors"][0]["message"] == "the token has expired"


async def test_a_too_costly_operation_is_refused_with_400(http: httpx.AsyncClient) -> None:
    query = "{ queues(first: 100) { nodes { hooks(first: 100) { nodes { id event version } } } } }"

    response = await post(http, {"query": query})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "data" not in response.json()
