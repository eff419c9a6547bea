"""Execute documents against the schema as a given caller."""

from dataclasses import dataclass
from typing import Any

from app.core.identity import ALL_PERMISSIONS, Principal
from app.core.settings import Settings
from app.graphql.context import Context
from app.graphql.ids import to_global_id
from app.graphql.schema import build_schema
from tests.factories import TENANT

SCHEMA = build_schema()
SETTINGS = Settings(app_env="test", database_url="sqlite://:memory:")


def principal(
    tenant: str = TENANT, permissions: tuple[str, ...] = tuple(ALL_PERMISSIONS), user: str = "alice"
) -> Principal:
    return Principal(user=user, tenant=tenant, permissions=frozenset(permissions))


@dataclass
class Result:
    data: dict[str, Any] | None
    errors: list[dict[str, Any]]


async def run(
    query: str, variables: dict[str, Any] | None = None, caller: Principal | None = None
) -> Result:
    result = await SCHEMA.execute(
        query,
        variable_values=variables,
        context_value=Context(SETTINGS, "test-request", identity=caller or principal()),
    )
    return Result(data=result.data, errors=[dict(e.formatted) for e in result.errors or []])


async def ok(
    query: str, variables: dict[str, Any] | None = None, caller: Principal | None = None
) -> dict[str, Any]:
    """Run a document that must succeed without errors; return its data."""
    result = await run(query, variables, caller)
    assert result.errors == [], result.errors
    assert result.data is not None
    return result.data


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)
