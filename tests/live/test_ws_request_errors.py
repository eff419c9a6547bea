"""Over WebSocket, an operation that cannot run ends with an `error` message carrying
the client code HTTP gives the same request; never INTERNAL_SERVER_ERROR, never a
stack trace in the log."""

from pathlib import Path
from typing import Any

from tests.live.servers import CHANGES, authed_subscriber, running_servers
from tests.live.world import given_a_queue

COSTLY = """query($q: ID!, $n: Int = 1) { queue(id: $q) { hooks(first: $n) { nodes { id
  queue { hooks(first: $n) { nodes { id queue { hooks(first: $n) { nodes { id } } } } } } } } } }"""
COSTLY_LIVE = """subscription($q: ID!, $n: Int = 1) { queueHooksChanged(queueId: $q) {
  ... on QueueHookChange { hook { queue { hooks(first: $n) { nodes { queue {
    hooks(first: $n) { nodes { queue { hooks(first: $n) { nodes { id } } } } } } } } } } } } }"""

# (query, operation name, variables but the queue id, expected code)
CASES: dict[str, tuple[str, str | None, dict[str, Any], str]] = {
    "syntax error": ("subscription { queueHooksChanged(", None, {}, "GRAPHQL_PARSE_FAILED"),
    "unknown operation name": (CHANGES, "Nope", {}, "OPERATION_RESOLUTION_FAILURE"),
    "two operations, none named": (
        "query A { queues { totalCount } } query B { queues { totalCount } }",
        None, {}, "OPERATION_RESOLUTION_FAILURE",
    ),
    "missing variable": (CHANGES, None, {"q": None}, "BAD_USER_INPUT"),
    "wrong variable type": (CHANGES, None, {"after": "x"}, "BAD_USER_INPUT"),
    "too deep": (
        "subscription($q: ID!) { queueHooksChanged(queueId: $q) { ... on QueueHookChange { hook {"
        + " queue { hooks { nodes {" * 4 + " id" + " } } }" * 4 + " } } } }",
        None, {}, "GRAPHQL_VALIDATION_FAILED",
    ),
    "costly query": (COSTLY, None, {"n": 60}, "QUERY_TOO_COSTLY"),
    "costly subscription": (COSTLY_LIVE, None, {"n": 60}, "QUERY_TOO_COSTLY"),
}  # fmt: skip


async def test_operations_that_cannot_run_are_client_errors(
    sqlite_url: str, tmp_path: Path
) -> None:
    # Refused before any database work, so one database kind is enough; its own
    # server, for its log.
    with running_servers(sqlite_url, 1, logs=tmp_path) as (server,):
        world = await given_a_queue(server)
        subscriber = await authed_subscriber(server)
        answers = {}
        for case, (query, operation_name, variables, _) in CASES.items():
            sent = {"q": world.queue_id, **variables}
            op_id = await subscriber.subscribe(
                query, {k: v for k, v in sent.items() if v is not None}, operation_name
            )
            message = await subscriber.receive()
            assert message["id"] == op_id, message
            answers[case] = message

        # The socket serves on after every refusal.
        await subscriber.subscribe("{ queues { totalCount } }", {})
        served = await subscriber.receive()
        await subscriber.close()

    for case, message in answers.items():
        assert message["type"] == "error", (case, message)
        codes = [error["extensions"]["code"] for error in message["payload"]]
        assert codes == [CASES[case][3]], (case, message)
    assert served["payload"] == {"data": {"queues": {"totalCount": 1}}}
    assert "Traceback" not in (tmp_path / "0.log").read_text()
