from datetime import datetime
from typing import Annotated

import strawberry

from app.core.pagination import page_request
from app.graphql.context import Info
from app.graphql.enums import FlowSchemaType
from app.graphql.flow_schemas.types import (
    FLOW_SCHEMAS,
    FlowSchema,
    FlowSchemaConnection,
    FlowSchemaTypeInfo,
)
from app.graphql.relay import After, Before, First, Last, connection_of
from app.models import FlowSchemaType as DomainFlowSchemaType
from app.models.enums import FLOW_SCHEMA_TYPE_WORDING, HOOK_FLOW_SCHEMA_TYPES
from app.services import flow_schemas as schema_service


@strawberry.type
class FlowSchemaQueries:
    @strawberry.field(
        description="Flow schema types with labels and descriptions; `hookable` says whether "
        "hooks may use it (works with introspection off). Any authenticated caller."
    )
    def flow_schema_types(self, info: Info) -> list[FlowSchemaTypeInfo]:
        info.context.principal  # noqa: B018 - raises NotAuthenticated without an identity
        return [
            FlowSchemaTypeInfo(
                value=FlowSchemaType[kind.name],
                label=wording.label,
                description=wording.description,
                hookable=kind in HOOK_FLOW_SCHEMA_TYPES,
            )
            for kind, wording in FLOW_SCHEMA_TYPE_WORDING.items()
        ]

    @strawberry.field(
        description="One flow schema, or null if it does not exist for your tenant. "
        "Needs `flows:read`."
    )
    async def flow_schema(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The flow schema's id.")],
    ) -> FlowSchema | None:
        return await FLOW_SCHEMAS.by_id(info, id)

    @strawberry.field(
        description="The flow schema dropdown: newest first, optionally those with a word "
        "that starts with `search` (any case), of the types SERVICE and DEFAULT unless `types` "
        "says otherwise. Needs `flows:read`."
    )
    async def flow_schemas(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description='Finds names with a word that starts with it, in any case: "sync" '
                'finds "CRM sync" and "billing:Sync", not "async". Words are runs of '
                "letters and digits; spaces and punctuation (':', '-', '_') separate them. With "
                "several words, they start consecutive words of the name, the last may be cut "
                'short: "crm sy" finds "CRM-sync export". No letter or digit: nothing found.'
            ),
        ] = None,
        types: Annotated[
            list[FlowSchemaType] | None,
            strawberry.argument(
                description="Only these types; SERVICE and DEFAULT when not given."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> FlowSchemaConnection | None:
        page = page_request(
            first=first,
            after=after,
            last=last,
            before=before,
            sort=schema_service.FLOW_SCHEMA_SORT,
            value_type=datetime,
        )
        wanted = [DomainFlowSchemaType[t.name] for t in types] if types is not None else None
        found = await schema_service.search_flow_schemas(
            info.context.principal, search, wanted, page
        )
        return connection_of(found, FlowSchema.from_model)
