"""The GraphQL over HTTP spec's own server audits (npm `graphql-http`) against a real server.

Every audit must pass, the MAY and SHOULD ones included: a request whose
`operationName`, `variables` or `extensions` has the wrong JSON type is refused
with 400 whatever the client accepts.
"""

import json
import subprocess

from tests.live.servers import running_server, token
from tests.live.test_reference_client import CLIENT_DIR, node_or_skip


def test_every_graphql_over_http_audit_passes(sqlite_url: str) -> None:
    node = node_or_skip()
    # The audits send a hundred-odd requests at once; the rate limit is not their subject.
    with running_server(sqlite_url, RATE_LIMIT_PER_SECOND="0") as server:
        arguments = json.dumps({"url": server.http, "token": token()})
        done = subprocess.run(
            [node, str(CLIENT_DIR / "audit.mjs"), arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )

    audits = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(audits) >= 61
    assert [a for a in audits if a["status"] != "ok"] == []
