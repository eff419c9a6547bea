"""A queue's change log read as a list: who changed which hook, how and when."""

from app.core.identity import Permission, Principal
from app.core.pagination import PageRequest
from app.models import QueueHookChange
from app.repositories import changes as change_repo
from app.services.paging import Page, page_of

# Cursors name their order; this list has only one.
CHANGE_LOG_SORT = "revision:desc"


async def recent_changes(
    principal: Principal, queue_id: int, page: PageRequest
) -> Page[QueueHookChange]:
    """A page of the queue's retained changes, newest first (empty for a queue that is
    not the caller's)."""
    principal.require(Permission.QUEUES_READ)
    window = await change_repo.newest_first(principal.tenant, queue_id, page)

    async def total() -> int:
        return await change_repo.count_retained(principal.tenant, queue_id)

    return page_of(window, total, CHANGE_LOG_SORT, change_repo.CHANGE_LOG_ORDER)
