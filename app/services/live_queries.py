"""What a live subscriber may see: access checks and replay, shared by every transport."""

from collections.abc import AsyncIterator

from app.core.errors import NotFound
from app.core.identity import Permission, Principal
from app.repositories import changes as change_repo
from app.repositories import queues as queue_repo
from app.services.change_feed import REPLAY_BATCH, Change


class ReplayUnavailable(Exception):
    """The asked-for revision is older than the retained history (or in the future)."""

    def __init__(self, current_revision: int) -> None:
        super().__init__("the revision is not in the retained history")
        self.current_revision = current_revision


async def require_watchable(principal: Principal, queue_id: int) -> int:
    """The queue's current revision; raises PermissionDenied or NotFound."""
    principal.require(Permission.QUEUES_READ)
    revision = await queue_repo.revision_of(principal.tenant, queue_id)
    if revision is None:
        raise NotFound("queue", [queue_id])
    return revision


async def replay(
    principal: Principal, queue_id: int, after_revision: int, up_to: int
) -> AsyncIterator[Change]:
    """The queue's changes in (after_revision, up_to], from the log; raises ReplayUnavailable."""
    if after_revision >= up_to:
        if after_revision > up_to:
            raise ReplayUnavailable(up_to)
        return
    oldest = await change_repo.oldest_retained(queue_id)
    if after_revision < 0 or oldest is None or oldest > after_revision + 1:
        raise ReplayUnavailable(up_to)
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
