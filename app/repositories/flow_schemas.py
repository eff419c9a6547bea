from collections.abc import Collection

from tortoise import connections
from tortoise.queryset import QuerySet

from app.core.pagination import PageRequest
from app.models import FlowSchema, FlowSchemaType, QueueHook
from app.repositories.keyset import Ordering, Window, fetch_window
from app.repositories.word_search import word_start_filter

NEWEST_FIRST = Ordering(field="created_at", descending=True)


def _scoped(tenant: str) -> QuerySet[FlowSchema]:
    return FlowSchema.filter(tenant=tenant)


def _searched(
    tenant: str, prefix: str | None, types: Collection[FlowSchemaType]
) -> QuerySet[FlowSchema]:
    query = _scoped(tenant).filter(type__in=[t.value for t in types])
    if prefix:
        # On PostgreSQL a trigram index on the expression this lookup compares
        # (migration 4) answers selective searches of a large catalogue without
        # reading the tenant's rows; without pg_trgm it still works, by a scan.
        query = query.filter(**word_start_filter(prefix))
    return query


async def get(tenant: str, flow_schema_id: int) -> FlowSchema | None:
    return await _scoped(tenant).get_or_none(id=flow_schema_id)


async def get_for_update(tenant: str, flow_schema_id: int) -> FlowSchema | None:
    """The schema, its row locked until the transaction ends (FOR UPDATE on PostgreSQL)."""
    return await _scoped(tenant).select_for_update().get_or_none(id=flow_schema_id)


# Tortoise's select_for_update() has no shared mode.
REFERENCE_SQL = {
    "postgres": 'SELECT "type" FROM "flow_schema" WHERE "id" = $1 AND "tenant" = $2 FOR SHARE',
    "sqlite": 'SELECT "type" FROM "flow_schema" WHERE "id" = ? AND "tenant" = ?',
}


async def lock_for_reference(tenant: str, flow_schema_id: int) -> FlowSchemaType | None:
    """The type of the tenant's schema, its row share-locked until the transaction
    ends (FOR SHARE on PostgreSQL): hooks may be pointed at it concurrently, but it
    cannot be renamed or deleted meanwhile. None if there is no such schema."""
    connection = connections.get("default")
    sql = REFERENCE_SQL["postgres" if connection.capabilities.dialect == "postgres" else "sqlite"]
    rows = await connection.execute_query_dict(sql, [flow_schema_id, tenant])
    return FlowSchemaType(rows[0]["type"]) if rows else None


async def search(
    tenant: str, prefix: str | None, types: Collection[FlowSchemaType], page: PageRequest
) -> Window[FlowSchema]:
    return await fetch_window(_searched(tenant, prefix, types), NEWEST_FIRST, page)


async def count(tenant: str, prefix: str | None, types: Collection[FlowSchemaType]) -> int:
    return await _searched(tenant, prefix, types).count()


async def create(tenant: str, name: str, flow_schema_type: FlowSchemaType) -> FlowSchema:
    return await FlowSchema.create(tenant=tenant, name=name, type=flow_schema_type)


async def rename(schema: FlowSchema, name: str) -> FlowSchema:
    schema.name = name
    await schema.save(update_fields=["name", "updated_at"])
    return schema


async def hooks_using(flow_schema_id: int) -> int:
    return await QueueHook.filter(flow_schema_id=flow_schema_id).count()


async def delete(schema: FlowSchema) -> None:
    await FlowSchema.filter(id=schema.pk).delete()
