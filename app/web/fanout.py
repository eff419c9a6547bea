"""Live subscriptions: every `queueHooksChanged` subscriber is a member of a group.

Subscribers that send the same document and payload variables (all but an
`afterRevision` used nowhere else) with the same tenant and permissions see the
same payloads, so they share one `SharedSubscription`: it tails the queue through
one feed watch, executes the selection once per change, serialises it once, and
hands the same text to each member's connection. A subscriber nobody matches is a
group of one. A member that asked for `afterRevision` first replays the log on its
own, buffering the shared changes that arrive meanwhile, then joins the shared
stream at the seam, with no gap or duplicate.

A group whose stream ended (its queue was deleted, or it fell behind the feed)
leaves the registry at once, even while members still replay into it, so that a
later subscriber starts a live group instead of joining a finished one.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
import strawberry
from strawberry.types.graphql import OperationType

from app.core.identity import Principal
from app.core.settings import Settings
from app.graphql.context import Context
from app.graphql.hooks.subscriptions import to_event
from app.models import ChangeKind
from app.repositories import changes as change_repo
from app.services.change_feed import OVERFLOW, Change, ChangeFeed, ResyncRequired
from app.services.replay import ReplayUnavailable, replay
from app.web.documents import request_key

log = logging.getLogger(__name__)

SUBSCRIPTION_ONLY = (OperationType.SUBSCRIPTION,)
FELL_BEHIND = "the subscriber fell too far behind"
GroupKey = tuple[Any, ...]


class Outbox(Protocol):
    """Where a member's frames go: its connection."""

    def send_next(self, op_id: str, payload: str) -> None: ...
    def send_complete(self, op_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Subscriber:
    """One subscription as its group needs it."""

    principal: Principal
    queue_pk: int
    query: str
    operation_name: str | None
    # What the selection executes with; a group renders with its first member's.
    variables: dict[str, Any]
    # The variables that decide the payloads: the group's key.
    payload_variables: dict[str, Any]
    after_revision: int | None


@dataclass(eq=False)
class Member:
    outbox: Outbox
    op_id: str
    replaying: bool
    last: int = 0
    # Shared payloads that arrived while replaying: (revision, payload or None for the end).
    pending: list[tuple[int, str | None]] = field(default_factory=list)
    done: bool = False
    task: asyncio.Task[None] | None = None

    def deliver(self, revision: int, payload: str | None) -> None:
        if self.done:
            return
        if self.replaying:
            self.pending.append((revision, payload))
            return
        if revision <= self.last:
            return
        self.last = revision
        if payload is None:
            self.finish()
        else:
            self.outbox.send_next(self.op_id, payload)

    def finish(self) -> None:
        if not self.done:
            self.done = True
            self.outbox.send_complete(self.op_id)


class SharedSubscription:
    def __init__(self, registry: "SharedSubscriptions", key: GroupKey, first: Subscriber) -> None:
        self.registry = registry
        self.key = key
        self.query = first.query
        self.operation_name = first.operation_name
        self.variables = first.variables
        self.queue_pk = first.queue_pk
        # The group's own context: it outlives the socket that started it.
        self.context = Context(
            registry.settings, uuid.uuid4().hex, feed=registry.feed, identity=first.principal,
            long_lived=True,
        )  # fmt: skip
        self.members: set[Member] = set()
        self.current = 0
        self.ended = False
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.watch = await self.registry.feed.watch(self.queue_pk)
        # Read after watching: every later change is above this and reaches the watch.
        self.current = await change_repo.current_revision(self.queue_pk) or 0
        self.task = asyncio.create_task(self._run(), name=f"shared-subscription-{self.queue_pk}")

    def join(self, outbox: Outbox, op_id: str, after_revision: int | None) -> Member:
        member = Member(outbox, op_id, replaying=after_revision is not None, last=self.current)
        self.members.add(member)
        if after_revision is not None:
            member.task = asyncio.create_task(self._replay(member, after_revision, self.current))
        return member

    def leave(self, member: Member) -> None:
        member.done = True
        if member.task is not None:
            member.task.cancel()
        self.members.discard(member)
        if not self.members:
            self.registry.forget(self)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self.registry.feed.unwatch(self.watch)

    async def render(self, item: Change | ResyncRequired) -> str:
        """Execute the selection once for this change; the `next` payload as JSON text.

        The change is the root value: a subscription field executed as a query
        resolves to its root (what graphql-core does with each event of a stream)."""
        result = await self.registry.schema.execute(
            self.query,
            variable_values=self.variables,
            context_value=self.context,
            root_value=to_event(item),
            operation_name=self.operation_name,
            allowed_operation_types=SUBSCRIPTION_ONLY,
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        return orjson.dumps(body).decode()

    async def _run(self) -> None:
        try:
            await self._tail()
        finally:
            self.ended = True
            self.registry.retire(self)
            self.registry.feed.unwatch(self.watch)

    async def _tail(self) -> None:
        while True:
            item = await self.watch.next()
            if item is OVERFLOW:
                # The whole group fell behind: every member must refetch.
                revision = self.registry.feed.tail(self.queue_pk)
                payload = await self.render(ResyncRequired(revision, FELL_BEHIND))
                for member in list(self.members):
                    member.deliver(revision + 1, payload)
                    member.deliver(revision + 2, None)
                return
            assert isinstance(item, Change)
            if item.revision <= self.current or item.tenant != self.context.principal.tenant:
                continue
            self.current = item.revision
            if item.kind is ChangeKind.QUEUE_DELETED:
                for member in list(self.members):
                    member.deliver(item.revision, None)
                return
            started = time.perf_counter()
            payload = await self.render(item)
            for member in list(self.members):
                member.deliver(item.revision, payload)
            if self.registry.on_fan_out is not None:
                self.registry.on_fan_out(time.perf_counter() - started)

    async def _replay(self, member: Member, after_revision: int, up_to: int) -> None:
        principal = self.context.principal
        last = after_revision
        try:
            async for change in replay(principal, self.queue_pk, after_revision, up_to):
                last = change.revision
                if change.kind is ChangeKind.QUEUE_DELETED:
                    member.replaying = False
                    member.finish()
                    return
                member.outbox.send_next(member.op_id, await self.render(change))
        except ReplayUnavailable as unavailable:
            resync = ResyncRequired(unavailable.current_revision, str(unavailable))
            member.outbox.send_next(member.op_id, await self.render(resync))
            member.replaying = False
            member.finish()
            return
        # The seam: hand over to the shared stream without an await in between.
        member.last = last
        member.replaying = False
        pending, member.pending = member.pending, []
        for revision, payload in pending:
            member.deliver(revision, payload)


class SharedSubscriptions:
    """All live groups of this process, by key."""

    def __init__(self, schema: strawberry.Schema, settings: Settings, feed: ChangeFeed) -> None:
        self.schema = schema
        self.settings = settings
        self.feed = feed
        self._groups: dict[GroupKey, SharedSubscription] = {}
        self.on_fan_out: Callable[[float], None] | None = None
        self._starting: dict[GroupKey, asyncio.Future[SharedSubscription]] = {}

    async def join(
        self, outbox: Outbox, op_id: str, subscriber: Subscriber
    ) -> tuple[SharedSubscription, Member]:
        """Join the subscriber's group, starting it if there is none; the caller checked
        that the subscriber may watch the queue (app/services/replay.py)."""
        key = request_key(
            subscriber.principal,
            subscriber.query,
            subscriber.operation_name,
            subscriber.payload_variables,
        )
        group = await self._group(key, subscriber)
        return group, group.join(outbox, op_id, subscriber.after_revision)

    async def _group(self, key: GroupKey, first: Subscriber) -> SharedSubscription:
        if (found := self._groups.get(key)) is not None:
            return found
        if (starting := self._starting.get(key)) is not None:
            return await asyncio.shield(starting)
        future: asyncio.Future[SharedSubscription] = asyncio.get_running_loop().create_future()
        self._starting[key] = future
        try:
            group = SharedSubscription(self, key, first)
            await group.start()
            if not group.ended:
                self._groups[key] = group
            future.set_result(group)
            return group
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: joiners get it from their own await
            raise
        finally:
            del self._starting[key]

    def retire(self, group: SharedSubscription) -> None:
        """No one joins this group any more; its members finish where they are."""
        if self._groups.get(group.key) is group:
            del self._groups[group.key]

    def forget(self, group: SharedSubscription) -> None:
        """The group's last member left: stop tailing."""
        self.retire(group)
        asyncio.get_running_loop().create_task(group.stop())

    @property
    def group_count(self) -> int:
        return len(self._groups)

    @property
    def member_count(self) -> int:
        return sum(len(group.members) for group in self._groups.values())
