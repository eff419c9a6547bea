"""One rate limit per caller, whatever the transport: a real server process."""

import httpx

from app.core.identity import ALL_PERMISSIONS, issue_token
from tests.live.servers import CHANGES, SECRET, TENANT, authed_subscriber, running_server

QUERY = {"query": "{ queues { totalCount } }"}
UNKNOWN_QUEUE = "UXVldWU6OTk5OTk5"  # Queue:999999


async def test_http_requests_and_subscription_starts_share_one_bucket(sqlite_url: str) -> None:
    caller = issue_token(SECRET, tenant=TENANT, user="limited", permissions=tuple(ALL_PERMISSIONS))
    headers = {"Authorization": f"Bearer {caller}"}
    # Three operations, and none refills while the test runs however slow the machine.
    env = {"RATE_LIMIT_PER_SECOND": "0.01", "RATE_LIMIT_BURST": "3"}
    with running_server(sqlite_url, **env) as server:
        async with httpx.AsyncClient(timeout=10) as client:
            over_http = [await client.post(server.http, json=QUERY, headers=headers)]
            over_http.append(await client.post(server.http, json=QUERY, headers=headers))
            subscriber = await authed_subscriber(server, caller)
            variables = {"q": UNKNOWN_QUEUE, "after": None}
            third = await subscriber.subscribe(CHANGES, variables)
            answered = await subscriber.receive()
            fourth = await subscriber.subscribe(CHANGES, variables)
            refused = await subscriber.receive()
            await subscriber.close()
            after = await client.post(server.http, json=QUERY, headers=headers)

    assert [r.status_code for r in over_http] == [200, 200]
    assert answered["id"] == third
    assert "RATE_LIMITED" not in str(answered), answered
    assert refused["id"] == fourth
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert after.status_code == 429
    assert after.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
