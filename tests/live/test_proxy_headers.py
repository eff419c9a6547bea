"""Behind a balancer, per-IP limits see the client, if (and only if) the proxy is trusted."""

import json
from pathlib import Path

import httpx
import pytest

from tests.live.servers import running_servers

QUERY = {"query": "{ queues { totalCount } }"}


@pytest.mark.parametrize(("trusted", "second"), [('["127.0.0.1"]', 401), ("[]", 429)])
def test_forwarded_for_is_believed_only_from_trusted_proxies(
    sqlite_url: str, tmp_path: Path, trusted: str, second: int
) -> None:
    env = {
        "FORWARDED_ALLOW_IPS": trusted,
        "RATE_LIMIT_PER_SECOND": "0.01",
        "RATE_LIMIT_BURST": "1",
        "LOG_FORMAT": "json",
    }
    with running_servers(sqlite_url, 1, logs=tmp_path, env=env) as (server,):
        # No token: limited per IP. Two clients behind one proxy (this test is the proxy).
        first = httpx.post(server.http, json=QUERY, headers={"X-Forwarded-For": "203.0.113.1"})
        other = httpx.post(server.http, json=QUERY, headers={"X-Forwarded-For": "203.0.113.2"})

    logged = [
        json.loads(line)
        for line in (tmp_path / "0.log").read_text().splitlines()
        if '"graphql request"' in line
    ]
    assert first.status_code == 401
    assert other.status_code == second
    # The request log names the client the limits saw.
    expected = ["203.0.113.1", "203.0.113.2"] if second == 401 else ["127.0.0.1"] * 2
    assert [entry["client"] for entry in logged] == expected
