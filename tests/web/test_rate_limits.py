"""Rate limits per token (or per IP without one): 429 with Retry-After."""

import httpx

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.settings import Settings
from app.web.app import create_app
from app.web.rate_limit import RateLimiter
from tests.web.conftest import SECRET

QUERY = {"query": "{ queues { totalCount } }"}


def bearer(user: str) -> dict[str, str]:
    token = issue_token(SECRET, tenant="acme", user=user, permissions=tuple(ALL_PERMISSIONS))
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_over_its_rate_gets_429_and_others_do_not(database_url: str) -> None:
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


async def test_made_up_tokens_count_against_the_address_they_come_from(database_url: str) -> None:
    settings = Settings(
        app_env="test", database_url=database_url, jwt_secret=SECRET,
        rate_limit_per_second=0.01, rate_limit_burst=2,
    )  # fmt: skip
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        garbage = [
            await client.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer x{n}"})
            for n in range(300)
        ]
        buckets = app.state.limiter.callers

    statuses = [r.status_code for r in garbage]
    assert statuses == [401, 401] + [429] * 298
    assert buckets == 1  # one address, however many tokens it makes up


async def test_every_token_of_one_caller_shares_its_limit(database_url: str) -> None:
    settings = Settings(
        app_env="test", database_url=database_url, jwt_secret=SECRET,
        rate_limit_per_second=0.01, rate_limit_burst=2,
    )  # fmt: skip
    app = create_app(settings)
    tokens = [
        issue_token(
            SECRET, tenant="acme", user="alice", permissions=("queues:read",), ttl_seconds=ttl
        )
        for ttl in (600, 601, 602)
    ]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        responses = [
            await client.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {t}"})
            for t in tokens
        ]

    assert len(set(tokens)) == 3
    assert [r.status_code for r in responses] == [200, 200, 429]


def test_the_buckets_kept_stay_bounded_under_a_flood_of_callers() -> None:
    limiter = RateLimiter(per_second=1, burst=1, max_callers=100)
    exhausted = ("ip", "203.0.113.1")
    limiter.retry_after(exhausted)

    for n in range(99):  # fewer newcomers than the bound: nobody is forgotten
        limiter.retry_after(("ip", f"198.51.100.{n}"))
    still_limited = limiter.retry_after(exhausted)
    for n in range(10_000):
        limiter.retry_after(("ip", f"10.0.{n // 256}.{n % 256}"))

    assert still_limited > 0
    assert limiter.callers == 100
