from typing import Annotated

import strawberry

from app.graphql.context import Info
from app.graphql.enums import QueueType
from app.graphql.errors import InvalidInputError, NotFoundError, require_pk
from app.graphql.ids import SentIds, to_global_id
from app.graphql.queues.types import Queue
from app.graphql.results import result_of
from app.models import QueueType as DomainQueueType
from app.services import queues as queue_service


@strawberry.input(description="A new queue.")
class CreateQueueInput:
    name: str = strawberry.field(description="The display name, 1 to 200 characters.")
    type: QueueType = strawberry.field(description="The queue's kind.")


@strawberry.type(description="The queue was created.")
class CreateQueueSuccess:
    queue: Queue = strawberry.field(description="The new queue.")


@strawberry.type(description="The queue was renamed.")
class RenameQueueSuccess:
    queue: Queue = strawberry.field(description="The queue as it is now.")


@strawberry.type(description="The queue and all its hooks were deleted.")
class DeleteQueueSuccess:
    deleted_id: strawberry.ID = strawberry.field(description="The queue removed.")
    deleted_hook_ids: list[strawberry.ID] = strawberry.field(
        description="The hooks removed with it."
    )


CreateQueueResult = Annotated[
    CreateQueueSuccess | InvalidInputError,
    strawberry.union("CreateQueueResult", description="The outcome of createQueue."),
]
RenameQueueResult = Annotated[
    RenameQueueSuccess | InvalidInputError | NotFoundError,
    strawberry.union("RenameQueueResult", description="The outcome of renameQueue."),
]
DeleteQueueResult = Annotated[
    DeleteQueueSuccess | InvalidInputError | NotFoundError,
    strawberry.union("DeleteQueueResult", description="The outcome of deleteQueue."),
]


@strawberry.type
class QueueMutations:
    @strawberry.mutation(description="Create a queue. Needs `queues:write`.")
    async def create_queue(
        self,
        info: Info,
        input: Annotated[CreateQueueInput, strawberry.argument(description="The new queue.")],
    ) -> CreateQueueResult | None:
        async def create(_: SentIds) -> CreateQueueSuccess:
            queue_type = DomainQueueType[input.type.name]
            row = await queue_service.create_queue(info.context.principal, input.name, queue_type)
            return CreateQueueSuccess(queue=Queue.from_model(row))

        return await result_of(CreateQueueResult, create)

    @strawberry.mutation(description="Rename a queue. Needs `queues:write`.")
    async def rename_queue(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The queue.")],
        name: Annotated[str, strawberry.argument(description="The new name, 1 to 200 characters.")],
    ) -> RenameQueueResult | None:
        async def rename(sent: SentIds) -> RenameQueueSuccess:
            pk = require_pk(sent, id, "Queue", "id")
            row = await queue_service.rename_queue(info.context.principal, pk, name)
            return RenameQueueSuccess(queue=Queue.from_model(row))

        return await result_of(RenameQueueResult, rename)

    @strawberry.mutation(
        description="Delete a queue and, in the same transaction, all its hooks. "
        "Needs `queues:write`."
    )
    async def delete_queue(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The queue.")],
    ) -> DeleteQueueResult | None:
        async def delete(sent: SentIds) -> DeleteQueueSuccess:
            queue_pk = require_pk(sent, id, "Queue", "id")
            deleted = await queue_service.delete_queue(info.context.principal, queue_pk)
            return DeleteQueueSuccess(
                deleted_id=strawberry.ID(sent.name("Queue", deleted.queue_id)),
                deleted_hook_ids=[
                    strawberry.ID(to_global_id("QueueHook", pk)) for pk in deleted.hook_ids
                ],
            )

        return await result_of(DeleteQueueResult, delete)
