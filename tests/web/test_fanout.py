"""The shared fan-out in-process: groups, replay seams, and how a group ends."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from tortoise.transactions import in_transaction

from app.graphql.ids import to_global_id
from app.models import ChangeKind, QueueHookEvent
from app.repositories import changes as change_repo
from app.repositories import hooks as hook_repo
from app.services import hooks
from app.services.change_feed import ChangeFeed
from app.web.fanout import Member, SharedSubscription, SharedSubscriptions, Subscriber
from app.web.live_documents import live_document, live_request
from tests.factories import create_flow_schema, create_queue
from tests.graphql.client import SCHEMA, SETTINGS, principal

CHANGES = """subscription($q: ID!, $after: Int) {
  queueHooksChanged(queueId: $q, afterRevision: $after) {
    __typename
    ... on QueueHookChange { revision kind }
    ... on QueueHooksResyncRequired { currentRevision reason }
  }
}"""
OWNER = principal()
JOINED: list[tuple[SharedSubscription, Member]] = []  # left when the test ends


@dataclass
class Frames:
    """A member's connection as the fan-out sees it: the frames it was handed."""

    payloads: list[dict[str, Any]] = field(default_factory=list)
    completed: bool = False
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def send_next(self, op_id: str, payload: str) -> None:
        self.payloads.append(orjson.loads(payload)["data"]["queueHooksChanged"])
        self.arrived.set()

    def send_complete(self, op_id: str) -> None:
        self.completed = True
        self.arrived.set()

    async def until(self, done: Any) -> None:
        async with asyncio.timeout(10):
            while not done(self):
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def shared(database: str) -> AsyncIterator[SharedSubscriptions]:
    feed = ChangeFeed(buffer_size=2)
    await feed.start(None)  # the in-process signal, whatever the database
    registry = SharedSubscriptions(SCHEMA, SETTINGS, feed)
    yield registry
    for group, member in JOINED:
        group.leave(member)
        if member.task is not None:
            await asyncio.gather(member.task, return_exceptions=True)
    JOINED.clear()
    await feed.stop()


async def subscribe(
    shared: SharedSubscriptions, queue_pk: int, after: int | None, query: str = CHANGES
) -> tuple[Frames, SharedSubscription, Member]:
    variables = {"q": to_global_id("Queue", queue_pk), "after": after}
    document = live_document(SCHEMA, query, None)
    assert document is not None
    request = live_request(SCHEMA, document, variables)
    assert request is not None
    subscriber = Subscriber(
        OWNER, queue_pk, query, None, variables, request.payload_variables, request.after_revision
    )
    frames = Frames()
    group, member = await shared.join(frames, "1", subscriber)
    JOINED.append((group, member))
    return frames, group, member


async def long_history(queue_pk: int, hook_pk: int, entries: int) -> None:
    """Many logged changes in one transaction: a replay from 0 takes a while."""
    hook = await hook_repo.get(OWNER.tenant, hook_pk)
    assert hook is not None
    entry = change_repo.ChangeEntry(ChangeKind.UPDATED, hook_pk, hook)
    async with in_transaction():
        await change_repo.append(queue_pk, OWNER.tenant, [entry] * entries, changed_by="test")


async def test_a_group_that_ended_is_not_joined_while_a_member_still_replays(
    shared: SharedSubscriptions,
) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    made = [
        await hooks.create_hook(OWNER, queue.pk, event, schema.pk, enabled=False)
        for event in (QueueHookEvent.JOINED, QueueHookEvent.MISSED, QueueHookEvent.ANSWERED)
    ]
    await long_history(queue.pk, made[0].pk, 5000)
    live, _, _ = await subscribe(shared, queue.pk, after=None)
    _, _, replaying = await subscribe(shared, queue.pk, after=0)

    # One transaction of three changes overflows the group's buffer of two: it ends.
    await hooks.delete_hooks(OWNER, [hook.pk for hook in made])
    await live.until(lambda frames: frames.completed)
    assert replaying.task is not None
    assert not replaying.task.done(), "the member must still be replaying here"
    late, _, _ = await subscribe(shared, queue.pk, after=None)
    await hooks.create_hook(OWNER, queue.pk, QueueHookEvent.JOINED, schema.pk, False)
    await late.until(lambda frames: frames.payloads)

    assert live.payloads[-1]["__typename"] == "QueueHooksResyncRequired"
    assert late.payloads == [
        {"__typename": "QueueHookChange", "revision": len(made) * 2 + 5000 + 1, "kind": "CREATED"}
    ]


async def test_a_group_that_falls_behind_tells_each_member_to_resync_and_ends(
    shared: SharedSubscriptions,
) -> None:
    queue = await create_queue()
    schema = await create_flow_schema()
    made = [
        await hooks.create_hook(OWNER, queue.pk, event, schema.pk, enabled=False)
        for event in (QueueHookEvent.JOINED, QueueHookEvent.MISSED, QueueHookEvent.ANSWERED)
    ]
    first, group, _ = await subscribe(shared, queue.pk, after=None)
    second, _, _ = await subscribe(shared, queue.pk, after=len(made))

    await hooks.delete_hooks(OWNER, [hook.pk for hook in made])  # 3 changes, room for 2
    await first.until(lambda frames: frames.completed)
    await second.until(lambda frames: frames.completed)

    resync = {
        "__typename": "QueueHooksResyncRequired",
        "currentRevision": len(made) * 2,
        "reason": "the subscriber fell too far behind",
    }
    assert first.payloads == second.payloads == [resync]
    assert shared.feed.watcher_count == 0
    assert shared.group_count == 0
    assert group.ended


async def test_members_that_differ_only_in_a_required_after_revision_share_a_group(
    shared: SharedSubscriptions,
) -> None:
    query = CHANGES.replace("$after: Int)", "$after: Int!)")
    queue = await create_queue()
    schema = await create_flow_schema()
    hook = await hooks.create_hook(OWNER, queue.pk, QueueHookEvent.JOINED, schema.pk, False)
    first, group, _ = await subscribe(shared, queue.pk, after=0, query=query)
    second, other, _ = await subscribe(shared, queue.pk, after=1, query=query)

    await hooks.delete_hooks(OWNER, [hook.pk])
    await first.until(lambda frames: len(frames.payloads) == 2)
    await second.until(lambda frames: len(frames.payloads) == 1)

    assert other is group
    assert [p["revision"] for p in first.payloads] == [1, 2]
    assert second.payloads == [{"__typename": "QueueHookChange", "revision": 2, "kind": "DELETED"}]
