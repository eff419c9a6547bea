"""Before a subscriber goes live: who may watch a queue, and the replay of its log."""

from collections.abc import AsyncIterator

from app.core.errors import InvalidInput, NotFound
from app.core.identity import Permission, Principal
from app.repositories import changes as change_repo
from app.repositories import queues as queue_repo
from app.services.change_feed import REPLAY_BATCH, Change


class ReplayUnavailable(Exception):
    """The asked-for revision cannot be replayed from; `str()` says why, for people."""

    def __init__(self, current_revision: int, reason: str) -> None:
        super().__init__(reason)
        self.current_revision = current_revision


async def check_may_watch(principal: Principal, queue_id: int, after_revision: int | None) -> None:
    """Refuse a subscriber before it joins: raises InvalidInput (a revision below 0 was
    never issued by any queue: the client's error, not a resync), PermissionDenied or
    NotFound."""
    if after_revision is not None and after_revision < 0:
        raise InvalidInput("afterRevision", "afterRevision must be 0 or more")
    principal.require(Permission.QUEUES_READ)
    if await queue_repo.revision_of(principal.tenant, queue_id) is None:
        raise NotFound("queue", [queue_id])


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
