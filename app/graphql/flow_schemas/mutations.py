from typing import Annotated

import strawberry

from app.graphql.context import Info
from app.graphql.enums import FlowSchemaType
from app.graphql.errors import (
    FlowSchemaInUseError,
    InvalidInputError,
    NotFoundError,
    require_pk,
)
from app.graphql.flow_schemas.types import FlowSchema
from app.graphql.ids import SentIds
from app.graphql.results import result_of
from app.models import FlowSchemaType as DomainFlowSchemaType
from app.services import flow_schemas as schema_service


@strawberry.input(description="A new flow schema.")
class CreateFlowSchemaInput:
    name: str = strawberry.field(description="The display name, 1 to 200 characters.")
    type: FlowSchemaType = strawberry.field(description="The schema's kind.")


@strawberry.type(description="The flow schema was created.")
class CreateFlowSchemaSuccess:
    flow_schema: FlowSchema = strawberry.field(description="The new flow schema.")


@strawberry.type(description="The flow schema was renamed.")
class RenameFlowSchemaSuccess:
    flow_schema: FlowSchema = strawberry.field(description="The flow schema as it is now.")


@strawberry.type(description="The flow schema was deleted.")
class DeleteFlowSchemaSuccess:
    deleted_id: strawberry.ID = strawberry.field(description="The flow schema removed.")


CreateFlowSchemaResult = Annotated[
    CreateFlowSchemaSuccess | InvalidInputError,
    strawberry.union("CreateFlowSchemaResult", description="The outcome of createFlowSchema."),
]
RenameFlowSchemaResult = Annotated[
    RenameFlowSchemaSuccess | InvalidInputError | NotFoundError,
    strawberry.union("RenameFlowSchemaResult", description="The outcome of renameFlowSchema."),
]
DeleteFlowSchemaResult = Annotated[
    DeleteFlowSchemaSuccess | InvalidInputError | NotFoundError | FlowSchemaInUseError,
    strawberry.union("DeleteFlowSchemaResult", description="The outcome of deleteFlowSchema."),
]


@strawberry.type
class FlowSchemaMutations:
    @strawberry.mutation(description="Create a flow schema. Needs `flows:write`.")
    async def create_flow_schema(
        self,
        info: Info,
        input: Annotated[
            CreateFlowSchemaInput, strawberry.argument(description="The new flow schema.")
        ],
    ) -> CreateFlowSchemaResult | None:
        async def create(_: SentIds) -> CreateFlowSchemaSuccess:
            schema_type = DomainFlowSchemaType[input.type.name]
            row = await schema_service.create_flow_schema(
                info.context.principal, input.name, schema_type
            )
            return CreateFlowSchemaSuccess(flow_schema=FlowSchema.from_model(row))

        return await result_of(CreateFlowSchemaResult, create)

    @strawberry.mutation(description="Rename a flow schema. Needs `flows:write`.")
    async def rename_flow_schema(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The flow schema.")],
        name: Annotated[str, strawberry.argument(description="The new name, 1 to 200 characters.")],
    ) -> RenameFlowSchemaResult | None:
        async def rename(sent: SentIds) -> RenameFlowSchemaSuccess:
            pk = require_pk(sent, id, "FlowSchema", "id")
            row = await schema_service.rename_flow_schema(info.context.principal, pk, name)
            return RenameFlowSchemaSuccess(flow_schema=FlowSchema.from_model(row))

        return await result_of(RenameFlowSchemaResult, rename)

    @strawberry.mutation(
        description="Delete a flow schema; refused while hooks use it. Needs `flows:write`."
    )
    async def delete_flow_schema(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The flow schema.")],
    ) -> DeleteFlowSchemaResult | None:
        async def delete(sent: SentIds) -> DeleteFlowSchemaSuccess:
            pk = require_pk(sent, id, "FlowSchema", "id")
            await schema_service.delete_flow_schema(info.context.principal, pk)
            return DeleteFlowSchemaSuccess(deleted_id=id)

        return await result_of(DeleteFlowSchemaResult, delete)
