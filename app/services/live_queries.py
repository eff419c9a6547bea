"""What a live subscriber may see: access checks and replay, shared by every transport."""

from collections.abc import AsyncIterator

from app.core.errors import InvalidInput, NotFound
from app.core.identity import Permission, Principal
from app.models import ChangeKind
from app.repositories import changes as change_repo
from app.repositories import queues as queue_repo
from app.services.change_feed import OVERFLOW, REPLAY_BATCH, Change, ChangeFeed, ResyncRequired


class ReplayUnavailable(Exception):
    """The asked-for revision cannot be replayed from; `str()` says why, for people."""

    def __init__(self, current_revision: int, reason: str) -> None:
        super().__init__(reason)
        self.current_revision = current_revision


def check_after_revision(after_revision: int | None) -> None:
    """A revision below 0 was never issued by any queue: the client's error, not a resync.
    Raises InvalidInput."""
    if after_revision is not None and after_revision < 0:
        raise InvalidInput("afterRevision", "afterRevision must be 0 or more")


async def require_watchable(principal: Principal, queue_id: int) -> int:
    """The queue's current revision; raises PermissionDenied or NotFound."""
    principal.require(Permission.QUEUES_READ)
    revision = await queue_repo.revision_of(principal.tenant, queue_id)
    if revision is None:
        raise NotFound("queue", [queue_id])
    return revision


async def hook_changes(
    principal: Principal, feed: ChangeFeed, queue_id: int, after_revision: int | None
) -> AsyncIterator[Change | ResyncRequired]:
    """A queue's hook changes for one subscriber: first those after `after_revision`
    from the log, then live, without gap or duplicate. Ends after the queue is deleted.

    Raises InvalidInput, NotFound or PermissionDenied before the first item.
    """
    check_after_revision(after_revision)
    await require_watchable(principal, queue_id)
    watch = await feed.watch(queue_id)
    try:
        # Read after watching: every later change is above this and reaches the watch.
        current = await change_repo.current_revision(queue_id)
        if current is None:
            raise NotFound("queue", [queue_id])
        last = current
        if after_revision is not None:
            last = after_revision
            try:
                async for change in replay(principal, queue_id, after_revision, current):
                    yield change
                    last = change.revision
                    if change.kind is ChangeKind.QUEUE_DELETED:
                        return
            except ReplayUnavailable as unavailable:
                yield ResyncRequired(unavailable.current_revision, str(unavailable))
                return
            last = max(last, current)
        while True:
            item = await watch.next()
            if item is OVERFLOW:
                yield ResyncRequired(feed.tail(queue_id), "the subscriber fell too far behind")
                return
            assert isinstance(item, Change)
            if item.revision <= last or item.tenant != principal.tenant:
                continue
            last = item.revision
            yield item
            if item.kind is ChangeKind.QUEUE_DELETED:
                return
    finally:
        feed.unwatch(watch)


async def replay(
    principal: Principal, queue_id: int, after_revision: int, up_to: int
) -> AsyncIterator[Change]:
    """The queue's changes in (after_revision, up_to], from the log; raises ReplayUnavailable."""
    if after_revision >= up_to:
        if after_revision > up_to:
            raise ReplayUnavailable(
                up_to,
                f"revision {after_revision} is ahead of the queue's current revision {up_to}: "
                "it did not come from this queue (or the queue was recreated); refetch the list",
            )
        return
    oldest = await change_repo.oldest_retained(queue_id)
    if oldest is None or oldest > after_revision + 1:
        raise ReplayUnavailable(
            up_to,
            f"revision {after_revision} is older than the retained history"
            + (f" (the oldest kept is {oldest})" if oldest is not None else "")
            + "; refetch the list",
        )
    cursor = after_revision
    while cursor < up_to:
        rows = await change_repo.after(queue_id, cursor, REPLAY_BATCH)
        if not rows:
            return
        for row in rows:
            if row.revision > up_to:
                return
            if row.tenant == principal.tenant:
                yield Change.from_row(row)
            cursor = row.revision
