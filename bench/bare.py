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
from typing import Any

import asyncpg
import jwt
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.core.pagination import Keyset, decode_cursor, encode_cursor
from app.graphql.ids import parse_global_id, to_global_id

SORT = "EVENT:asc"
SECRET = os.environ.get("JWT_SECRET", "")
COLUMNS = (
    "h.id, h.event, h.enabled, h.version, h.updated_at, h.updated_by, s.id AS sid, s.name, s.type"
)


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
    if variables.get("after"):
        key = decode_cursor(variables["after"], SORT, str, "after")
        args += [key.value, key.id]
        where.append(f"(h.event, h.id) > (${len(args) - 1}, ${len(args)})")
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT {COLUMNS} FROM queue_hook h JOIN flow_schema s ON s.id = h.schema_id "
            f"WHERE {' AND '.join(where)} ORDER BY h.event, h.id LIMIT {first + 1}",
            *args,
        )
        total = await conn.fetchval(
            f"SELECT count(*) FROM queue_hook h WHERE {count_where}", *count_args
        )
    edges = [
        {
            "cursor": encode_cursor(SORT, Keyset(row["event"], row["id"])),
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
    app.state.pool = await asyncpg.create_pool("postgresql://" + url.split("://", 1)[1])
    yield
    await app.state.pool.close()


app = Starlette(routes=[Route("/graphql", page, methods=["POST"])], lifespan=lifespan)
