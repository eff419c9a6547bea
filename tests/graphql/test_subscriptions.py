"""queueHooksChanged against the schema alone: the server serves it from the fan-out
(tests/web/test_fanout.py); the field's own resolver refuses, and never serves a
second, different live path."""

from collections.abc import AsyncGenerator

from app.graphql.context import Context
from app.services.change_feed import ChangeFeed
from tests.factories import create_queue
from tests.graphql.client import SCHEMA, SETTINGS, gid, principal


async def test_the_resolver_fails_loudly_instead_of_serving_changes(database: str) -> None:
    queue = await create_queue()
    context = Context(SETTINGS, "test", feed=ChangeFeed(buffer_size=8), identity=principal())

    stream = await SCHEMA.subscribe(
        "subscription($q: ID!) { queueHooksChanged(queueId: $q) { __typename } }",
        variable_values={"q": gid("Queue", queue.pk)},
        context_value=context,
    )
    assert isinstance(stream, AsyncGenerator), stream
    first = await anext(stream)
    await stream.aclose()

    assert [e.message for e in first.errors or []] == [
        "queueHooksChanged is served by the fan-out (app/web/fanout.py)"
    ]
