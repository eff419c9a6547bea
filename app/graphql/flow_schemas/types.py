from datetime import datetime

import strawberry

from app.graphql.enums import FlowSchemaType
from app.graphql.ids import to_global_id
from app.graphql.relay import Connection, Node, NodeLookup
from app.models import FlowSchema as FlowSchemaModel
from app.services import flow_schemas as schema_service
from app.services.flow_schemas import FlowSchemaRow


@strawberry.type(description="A flow schema: a routing or automation script a hook can run.")
class FlowSchema(Node):
    name: str = strawberry.field(description="The schema's display name.")
    type: FlowSchemaType = strawberry.field(description="The schema's kind.")
    created_at: datetime = strawberry.field(description="When the schema was created.")
    updated_at: datetime = strawberry.field(description="When the schema last changed.")

    @classmethod
    def from_model(cls, row: FlowSchemaModel | FlowSchemaRow) -> "FlowSchema":
        return cls(
            id=strawberry.ID(to_global_id("FlowSchema", row.pk)),
            name=row.name,
            type=FlowSchemaType(row.type),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


FlowSchemaConnection = Connection[FlowSchema]
FLOW_SCHEMAS = NodeLookup("FlowSchema", schema_service.get_flow_schema, FlowSchema.from_model)


@strawberry.type(description="A flow schema type as a screen shows it.")
class FlowSchemaTypeInfo:
    value: FlowSchemaType = strawberry.field(description="The type, as `flowSchemas` takes it.")
    label: str = strawberry.field(description="A short name for people, e.g. `Service`.")
    description: str = strawberry.field(description="What the type is for, in a sentence.")
    hookable: bool = strawberry.field(
        description="Whether hooks may run flow schemas of this type (SERVICE and DEFAULT)."
    )
