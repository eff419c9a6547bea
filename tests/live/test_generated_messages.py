"""Generated graphql-transport-ws traffic against a real server: well-formed and not.

Each example opens a socket, sends a few generated frames (protocol messages with
any type, id and payload; text that is not JSON; binary frames), and reads what
comes back. The server may answer or close, but only with the protocol's codes,
never with an internal error (1011), and it must keep serving everyone else: after
every example a well-behaved client still subscribes and gets its answer.
"""

import asyncio
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.live.servers import Server, authed_subscriber, running_server, token

PROTOCOL = [Subprotocol("graphql-transport-ws")]
# 1000 normal, 1001 going away, 4400 invalid message, 4401 unauthorised, 4403
# forbidden, 4408 init timeout, 4409 duplicate id, 4429 too many inits.
ALLOWED_CLOSE_CODES = {1000, 1001, 4400, 4401, 4403, 4408, 4409, 4429}
QUERY = "{ queues { totalCount } }"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
payloads = st.one_of(
    json_values,
    st.just({"Authorization": f"Bearer {token(ttl=3600)}"}),
    st.just({"token": "garbage"}),
    st.fixed_dictionaries(
        {
            "query": st.sampled_from([QUERY, "subscription { nope }", "{", ""])
            | st.text(max_size=20)
        },
        optional={"variables": json_values, "operationName": json_values},
    ),
)
messages = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "connection_init",
                "ping",
                "pong",
                "subscribe",
                "complete",
                "next",
                "error",
                "connection_ack",
                "bogus",
            ]
        )
        | json_values,
    },
    optional={"id": st.sampled_from(["1", "2"]) | json_values, "payload": payloads},
)
frames = st.one_of(
    messages.map(json.dumps),
    st.text(max_size=40),
    st.binary(max_size=40),
)
# Mostly after a proper init, so that subscribe/complete paths are reached too.
conversations = st.tuples(st.booleans(), st.lists(frames, min_size=1, max_size=6))


@pytest.fixture(scope="module")
def server(sqlite_template: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import shutil

    database = tmp_path_factory.mktemp("generated-ws") / "hooks.sqlite3"
    shutil.copy(sqlite_template, database)
    with running_server(
        f"sqlite://{database}", RATE_LIMIT_PER_SECOND="0", WS_INIT_TIMEOUT_SECONDS="1"
    ) as started:
        yield started


async def exchange(server: Server, init: bool, sent: list[str | bytes]) -> int | str:
    """Send the frames; read until the server closes or goes quiet: its close code,
    "quiet" (still open), or "dropped" (gone without a close frame)."""
    async with connect(server.ws, subprotocols=PROTOCOL) as socket:
        try:
            if init:
                auth = {"Authorization": f"Bearer {token(ttl=3600)}"}
                await socket.send(json.dumps({"type": "connection_init", "payload": auth}))
            for frame in sent:
                await socket.send(frame)
            while True:
                async with asyncio.timeout(0.3):
                    raw = await socket.recv()
                assert isinstance(raw, str), "the server only sends text frames"
                reply = json.loads(raw)  # every frame it sends is JSON
                assert reply["type"] in {"connection_ack", "pong", "next", "error", "complete"}
        except TimeoutError:
            return "quiet"
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else "dropped"


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(conversation=conversations)
async def test_generated_traffic_gets_protocol_answers_only(
    server: Server, conversation: tuple[bool, list[str | bytes]]
) -> None:
    init, sent = conversation
    code = await exchange(server, init, sent)
    event("close code", str(code))

    assert code == "quiet" or code in ALLOWED_CLOSE_CODES, code
    assert server.process.poll() is None, "the server is still running"
    healthy = await authed_subscriber(server)
    await healthy.subscribe(QUERY, {})
    assert (await healthy.receive())["type"] == "next"
    await healthy.close()
