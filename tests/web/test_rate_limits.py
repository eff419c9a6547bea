"""Rate limits per token (or per IP without one): 429 with Retry-After."""

import httpx
from tortoise.backends.base.executor import EXECUTOR_CACHE

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.settings import Settings
from app.web.app import create_app
from tests.web.conftest import SECRET

QUERY = {"query": "{ queues { totalCount } }"}


def bearer(user: str) -> dict[str, str]:
    token = issue_token(SECRET, tenant="acme", user=user, permissions=tuple(ALL_PERMISSIONS))
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_over_its_rate_gets_429_and_others_do_not(database_url: str) -> None:
    EXECUTOR_CACHE.clear()
    settings = Settings(
        app_env="test", database_url=database_url, jwt_secret=SECRET,
        # Slow enough that no token refills while the test runs, however slow the machine.
        rate_limit_per_second=0.01, rate_limit_burst=2,
    )  # fmt: skip
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        # One token: tokens issued a second apart differ, and limits are per token.
        as_alice = bearer("alice")
        alice = [await client.post("/graphql", json=QUERY, headers=as_alice) for _ in range(3)]
        bob = await client.post("/graphql", json=QUERY, headers=bearer("bob"))
        anonymous = [await client.post("/graphql", json=QUERY) for _ in range(3)]

    assert [r.status_code for r in alice] == [200, 200, 429]
    assert 90 <= int(alice[2].headers["retry-after"]) <= 100  # a whole token at 0.01/s
    [refusal] = alice[2].json()["errors"]
    assert "too many requests" in refusal["message"]
    assert refusal["extensions"] == {
        "code": "RATE_LIMITED",
        "retryAfter": int(alice[2].headers["retry-after"]),
    }
    assert bob.status_code == 200
    assert [r.status_code for r in anonymous] == [401, 401, 429]
