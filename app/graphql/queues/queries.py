from typing import Annotated

import strawberry

from app.core.pagination import page_request
from app.graphql.context import Info
from app.graphql.queues.types import QUEUES, Queue, QueueConnection
from app.graphql.relay import After, Before, First, Last, connection_of
from app.services import queues as queue_service


@strawberry.type
class QueueQueries:
    @strawberry.field(
        description="One queue, or null if it does not exist for your tenant. Needs `queues:read`."
    )
    async def queue(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The queue's id.")],
    ) -> Queue | None:
        return await QUEUES.by_id(info, id)

    @strawberry.field(
        description="Your tenant's queues by name, optionally those with a word that starts "
        "with `search` (any case). Needs `queues:read`."
    )
    async def queues(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description='Finds names with a word that starts with it, in any case: "ivr" '
                'finds "Outbound IVR - reminders". Words are runs of letters and digits; '
                "several search words start consecutive words of the name."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> QueueConnection | None:
        page = page_request(
            first=first,
            after=after,
            last=last,
            before=before,
            sort=queue_service.QUEUE_SORT,
            value_type=str,
        )
        found = await queue_service.search_queues(info.context.principal, search, page)
        return connection_of(found, Queue.from_model)
