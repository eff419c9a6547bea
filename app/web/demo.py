"""The demo identity a newcomer gets outside production: one user, `demo`, for the
printed `make run` token, GraphiQL's header editor and the Hooks tab."""

import logging

from app.core.identity import ALL_PERMISSIONS, Principal, issue_token
from app.core.pagination import page_request
from app.core.settings import Settings
from app.graphql.ids import to_global_id
from app.services import queues as queue_service

log = logging.getLogger(__name__)

DEMO_USER = "demo"
DEMO_TOKEN_TTL = 12 * 3600


def demo_token(settings: Settings) -> str | None:
    """A token for the demo tenant with every permission; None where none may be handed out."""
    # With public keys this server cannot sign; in production it must not.
    if settings.is_production or settings.uses_public_keys:
        return None
    return issue_token(
        settings.secret,
        tenant=settings.demo_tenant,
        user=DEMO_USER,
        permissions=tuple(ALL_PERMISSIONS),
        ttl_seconds=DEMO_TOKEN_TTL,
        algorithm=settings.jwt_algorithm,
    )


async def demo_queue_id(settings: Settings) -> str | None:
    """The global id of the demo tenant's first queue by name, for GraphiQL's variables."""
    principal = Principal(
        user=DEMO_USER, tenant=settings.demo_tenant, permissions=frozenset(ALL_PERMISSIONS)
    )
    first = page_request(
        first=1, after=None, last=None, before=None, sort=queue_service.QUEUE_SORT, value_type=str
    )
    try:
        page = await queue_service.search_queues(principal, None, first)
    except Exception:  # the database may be away: GraphiQL still opens, with no id filled in
        log.warning("no demo queue id for GraphiQL", exc_info=True)
        return None
    return to_global_id("Queue", page.rows[0].pk) if page.rows else None
