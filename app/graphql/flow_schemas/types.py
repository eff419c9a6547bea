from datetime import datetime
from operator import attrgetter

import strawberry

from app.graphql.enums import FlowSchemaType
from app.graphql.ids import to_global_id
from app.graphql.relay import Connection, Node, NodeLookup, RowFields
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
        return cls(**{name: read(row) for name, read in FLOW_SCHEMA_FIELDS.items()})


# Each field read from the row (by its Python name): what from_model builds the type
# with, and what a page plan (app/web/page_plans.py) writes a page with, straight from
# the rows, building no objects.
# The GraphQL member for each stored value (a dict lookup: calling the enum costs more).
_TYPES = {kind.value: kind for kind in FlowSchemaType}
FLOW_SCHEMA_FIELDS: RowFields = {
    "id": lambda row: strawberry.ID(to_global_id("FlowSchema", row.pk)),
    "name": attrgetter("name"),
    "type": lambda row: _TYPES[row.type.value],
    "created_at": attrgetter("created_at"),
    "updated_at": attrgetter("updated_at"),
}
FlowSchema.row_fields = FLOW_SCHEMA_FIELDS


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
