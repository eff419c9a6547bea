"""The ceiling: the registry page from a bare Starlette + asyncpg endpoint.

It answers the benchmark's page query with the same bytes as the real server
(same SQL shape, cursors, ids and JSON), with none of GraphQL, the ORM or the
layers, so the real server's rate divided by this one's is its distance from
the limit of this stack on this machine.

    DATABASE_URL=postgres://... python -m uvicorn bench.bare:app --port 8100
"""

import contextlib
import os
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import asyncpg
import jwt
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.core.pagination import Keyset, SortValue, decode_cursor, encode_cursor
from app.graphql.ids import parse_global_id, to_global_id

SECRET = os.environ.get("JWT_SECRET", "")
COLUMNS = (
    "h.id, h.event, h.enabled, h.version, h.created_at, h.updated_at, h.updated_by, "
    "s.id AS sid, s.name, s.type"
)
# orderBy's fields: the column, and the row's value in a cursor.
SORTS = {
    "EVENT": ("h.event", "event"),
    "FLOW_SCHEMA_NAME": ("s.name", "name"),
    "ENABLED": ("h.enabled", "enabled"),
    "CREATED_AT": ("h.created_at", "created_at"),
}
# The type of each sort's cursor value (the server checks it the same way).
VALUE_TYPES: dict[str, type[SortValue]] = {
    "EVENT": str,
    "FLOW_SCHEMA_NAME": str,
    "ENABLED": bool,
    "CREATED_AT": datetime,
}
# The pool: asyncpg's own default unless the benchmark sizes it like the server's.
POOL_MIN = int(os.environ.get("BARE_POOL_MIN", "10"))
POOL_MAX = int(os.environ.get("BARE_POOL_MAX", "10"))


async def page(request: Request) -> Response:
    jwt.decode(request.headers["authorization"][7:], SECRET, algorithms=["HS256"])
    variables: dict[str, Any] = orjson.loads(await request.body())["variables"]
    _, queue_pk = parse_global_id(variables["q"])
    first = variables.get("first") or 10
    where = ["h.queue_id = $1"]
    args: list[Any] = [queue_pk]
    given = variables.get("filter") or {}
    if given.get("events") is not None:
        args.append([e.lower() for e in given["events"]])
        where.append(f"h.event = ANY(${len(args)})")
    if given.get("enabled") is not None:
        args.append(given["enabled"])
        where.append(f"h.enabled = ${len(args)}")
    count_where = " AND ".join(where)
    count_args = list(args)
    order = variables.get("orderBy") or {}
    field = order.get("field", "EVENT")
    descending = order.get("direction") == "DESC"
    sort = f"{field}:{'desc' if descending else 'asc'}"
    column, value_of = SORTS[field]
    if variables.get("after"):
        key = decode_cursor(variables["after"], sort, VALUE_TYPES[field], "after")
        args += [key.value, key.id]
        op = "<" if descending else ">"
        where.append(f"({column}, h.id) {op} (${len(args) - 1}, ${len(args)})")
    direction = "DESC" if descending else "ASC"
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT {COLUMNS} FROM queue_hook h JOIN flow_schema s ON s.id = h.flow_schema_id "
            f"WHERE {' AND '.join(where)} ORDER BY {column} {direction}, h.id {direction} "
            f"LIMIT {first + 1}",
            *args,
        )
        total = await conn.fetchval(
            f"SELECT count(*) FROM queue_hook h WHERE {count_where}", *count_args
        )
    edges = [
        {
            "cursor": encode_cursor(sort, Keyset(row[value_of], row["id"])),
            "node": {
                "id": to_global_id("QueueHook", row["id"]),
                "event": row["event"].upper(),
                "enabled": row["enabled"],
                "version": row["version"],
                "updatedAt": row["updated_at"].isoformat(),
                "updatedBy": row["updated_by"],
                "flowSchema": {
                    "id": to_global_id("FlowSchema", row["sid"]),
                    "name": row["name"],
                    "type": row["type"].upper(),
                },
            },
        }
        for row in rows[:first]
    ]
    body = {
        "data": {
            "queueHooks": {
                "totalCount": total,
                "pageInfo": {
                    "hasNextPage": len(rows) > first,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
                "edges": edges,
            }
        }
    }
    return Response(orjson.dumps(body), media_type="application/graphql-response+json")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["DATABASE_URL"]
    app.state.pool = await asyncpg.create_pool(
        "postgresql://" + url.split("://", 1)[1], min_size=POOL_MIN, max_size=POOL_MAX
    )
    yield
    await app.state.pool.close()


app = Starlette(routes=[Route("/graphql", page, methods=["POST"])], lifespan=lifespan)
