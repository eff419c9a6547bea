"""Over a real server's WebSocket, a refused subscription shows no database key."""

from tests.graphql.client import gid
from tests.live.servers import CHANGES, Server, authed_subscriber


async def test_a_subscription_to_an_unknown_queue_shows_no_key(server: Server) -> None:
    key = 424242
    sent = gid("Queue", key)
    subscriber = await authed_subscriber(server)

    op_id = await subscriber.subscribe(CHANGES, {"q": sent})
    message = await subscriber.receive()
    await subscriber.close()

    assert (message["id"], message["type"]) == (op_id, "error")
    [error] = message["payload"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["message"] == f"queue not found: {sent}", error
    assert str(key) not in error["message"], error
