from tests.factories import create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid, ok


async def test_a_queue_lists_its_hooks(database: str) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await create_hook(queue, schema)

    data = await ok(
        "query($q: ID!) { queueHooks(queueId: $q) { totalCount nodes { id flowSchema { name } } } }",
        {"q": gid("Queue", queue.pk)},
    )

    assert data["queueHooks"] == {
        "totalCount": 1,
        "nodes": [{"id": gid("QueueHook", hook.pk), "flowSchema": {"name": schema.name}}],
    }
