"""Suggestions, variable sizes and batches: refused clearly, configurable."""

from collections.abc import Mapping

import httpx
import pytest

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.settings import Settings
from tests.web.conftest import SECRET, serving

TYPO = {"query": "{ queus { totalCount } }"}
ENUM_TYPO = {
    "query": "query($t: [FlowSchemaType!]) { flowSchemas(types: $t) { totalCount } }",
    "variables": {"t": ["SERVIC"]},
}
COUNT = {"query": "{ queues { totalCount } }"}


def bearer() -> dict[str, str]:
    token = issue_token(SECRET, tenant="acme", user="ops", permissions=tuple(ALL_PERMISSIONS))
    return {"Authorization": f"Bearer {token}"}


def settings_for(database_url: str, **overrides: object) -> Settings:
    return Settings(database_url=database_url, jwt_secret=SECRET, **overrides)  # type: ignore[arg-type]  # pydantic checks each override at run time


async def messages(client: httpx.AsyncClient, body: Mapping[str, object]) -> list[str]:
    response = await client.post("/graphql", json=body, headers=bearer())
    return [error["message"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    ("app_env", "enabled", "suggested"),
    [("development", None, True), ("production", None, False), ("production", True, True)],
)
async def test_suggestions_are_off_in_production_unless_enabled(
    database_url: str, app_env: str, enabled: bool | None, suggested: bool
) -> None:
    settings = settings_for(
        database_url, app_env=app_env, field_suggestions_enabled=enabled, introspection_enabled=True
    )
    async with serving(settings) as client:
        field = await messages(client, TYPO)
        enum = await messages(client, ENUM_TYPO)

    assert field[0].startswith("Cannot query field 'queus' on type 'Query'.")
    assert enum[0].startswith(
        "Variable '$t' has invalid value at [0]: Value 'SERVIC' does not exist"
    )
    assert ("Did you mean 'queue' or 'queues'?" in field[0]) is suggested
    assert ("Did you mean the enum value 'SERVICE'?" in enum[0]) is suggested
    assert suggested or all("Did you mean" not in m for m in field + enum)


async def test_variables_over_the_limit_are_413(database_url: str) -> None:
    settings = settings_for(database_url, max_variables_bytes=100)
    query = "query($q: String) { queues(search: $q) { totalCount } }"
    async with serving(settings) as client:
        small = await client.post(
            "/graphql", json={"query": query, "variables": {"q": "x"}}, headers=bearer()
        )
        large = await client.post(
            "/graphql", json={"query": query, "variables": {"q": "x" * 200}}, headers=bearer()
        )

    assert small.status_code == 200, small.text
    assert large.status_code == 413
    assert large.json()["errors"][0]["message"] == "the variables are larger than 100 bytes"


async def test_batches_are_refused_unless_enabled(database_url: str) -> None:
    async with serving(settings_for(database_url)) as client:
        response = await client.post("/graphql", json=[COUNT, COUNT], headers=bearer())

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        "batched requests are not accepted; send one operation"
    )


async def test_an_enabled_batch_answers_each_operation_in_order(database_url: str) -> None:
    create = {
        "query": 'mutation { createQueue(input: {name: "Batch", type: INBOUND}) { ... on CreateQueueSuccess { queue { name } } } }'
    }
    async with serving(settings_for(database_url, max_batch_size=3)) as client:
        response = await client.post(
            "/graphql", json=[COUNT, create, {"query": "{ nope }"}], headers=bearer()
        )
        too_many = await client.post("/graphql", json=[COUNT] * 4, headers=bearer())
        after = await client.post("/graphql", json=COUNT, headers=bearer())

    assert response.status_code == 200
    first, second, third = response.json()
    assert first == {"data": {"queues": {"totalCount": 0}}}
    assert second == {"data": {"createQueue": {"queue": {"name": "Batch"}}}}
    assert third["errors"][0]["message"].startswith("Cannot query field 'nope'")
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["message"] == "a batch carries 1 to 3 operations"
    assert after.json() == {"data": {"queues": {"totalCount": 1}}}


async def test_each_operation_of_a_batch_counts_against_the_rate_limit(database_url: str) -> None:
    settings = settings_for(
        database_url, max_batch_size=3, rate_limit_per_second=0.01, rate_limit_burst=4
    )
    caller = bearer()  # one token: limits are per token, and tokens differ by issue time
    async with serving(settings) as client:
        three = await client.post("/graphql", json=[COUNT] * 3, headers=caller)
        one = await client.post("/graphql", json=COUNT, headers=caller)
        refused = await client.post("/graphql", json=[COUNT] * 2, headers=caller)

    assert [three.status_code, one.status_code, refused.status_code] == [200, 200, 429]
