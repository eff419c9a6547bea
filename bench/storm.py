"""`make bench` part 3: a mutation storm while subscribers listen.

wrk sends updateQueueHook mutations (each moves one of 200 hooks to the other of
two flow schemas) over 32 connections to one server process on PostgreSQL, while
100 WebSocket subscribers watch the queue. Reports mutations/s, their latency,
and whether every subscriber received every committed change.
"""

import asyncio
import os
from typing import Any

import asyncpg
import httpx
import uvloop

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.graphql.ids import to_global_id
from bench.data import TENANT, asyncpg_dsn, fresh_database
from bench.load import Run, lua_script, wrk
from bench.rawws import Tally, connect
from bench.registry import SECRET, ours
from tests.live.servers import CHANGES

UPDATE = """mutation($id: ID!, $s: ID!) {
  updateQueueHook(input: {id: $id, flowSchemaId: $s}) { __typename } }"""
HOOKS = 200
SUBSCRIBERS = 100


async def seed(url: str) -> tuple[str, list[str], list[str]]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        queue_pk = await conn.fetchval(
            "INSERT INTO queue (tenant, name, type, revision, created_at, updated_at) "
            "VALUES ($1, 'Storm', 'inbound', 0, now(), now()) RETURNING id",
            TENANT,
        )
        schemas = [
            await conn.fetchval(
                "INSERT INTO flow_schema (tenant, name, type, created_at, updated_at) "
                "VALUES ($1, $2, 'service', now(), now()) RETURNING id",
                TENANT,
                name,
            )
            for name in ("A", "B")
        ]
        hooks = [
            await conn.fetchval(
                "INSERT INTO queue_hook (queue_id, event, flow_schema_id, enabled, version, "
                "created_at, "
                "created_by, updated_at, updated_by) "
                "VALUES ($1, 'joined', $2, false, 1, now(), 'b', now(), 'b') RETURNING id",
                queue_pk,
                schemas[0],
            )
            for _ in range(HOOKS)
        ]
    finally:
        await conn.close()
    return (
        to_global_id("Queue", queue_pk),
        [to_global_id("QueueHook", h) for h in hooks],
        [to_global_id("FlowSchema", s) for s in schemas],
    )


async def storm(seconds: int) -> dict[str, Any]:
    url = await fresh_database("hooks_bench_storm")
    queue_id, hooks, schemas = await seed(url)
    token = issue_token(SECRET, tenant=TENANT, user="bench", permissions=tuple(ALL_PERMISSIONS))
    # Each hook moves to B, later back to A: every request is a real change
    # unless two connections reorder it, which then changes nothing (and says so).
    bodies: list[dict[str, object]] = [
        {"query": UPDATE, "variables": {"id": hook, "s": schemas[1 - round_ % 2]}}
        for round_ in range(2)
        for hook in hooks
    ]
    script = lua_script(bodies, token)
    with ours(url, 1) as server:
        port = int(server.url.rsplit(":", 1)[1].split("/")[0])
        tally = Tally()
        received: list[list[float]] = [[] for _ in range(SUBSCRIBERS)]
        variables = {"q": queue_id, "after": 0}
        sockets = [
            await connect("127.0.0.1", port, token, CHANGES, variables, received[i], tally)
            for i in range(SUBSCRIBERS)
        ]
        run: Run = await asyncio.to_thread(wrk, server.url, script, 32, seconds, server.pid)
        async with httpx.AsyncClient() as client:
            revision = (
                await client.post(
                    server.url,
                    json={"query": "query($q: ID!) { queue(id: $q) { revision } }",
                          "variables": {"q": queue_id}},
                    headers={"Authorization": f"Bearer {token}"},
                )
            ).json()["data"]["queue"]["revision"]  # fmt: skip
        tally.expect(revision * SUBSCRIBERS)
        try:
            await asyncio.wait_for(tally.reached.wait(), 30)
            complete = True
        except TimeoutError:
            complete = False
        for socket in sockets:
            if socket.transport is not None:
                socket.transport.close()
    return {"run": run, "changes": revision, "delivered_to_all": complete}


def main() -> None:
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    result = uvloop.run(storm(seconds))
    run: Run = result["run"]
    from bench.machine import describe

    print()
    print(describe())
    print(
        f"Mutation storm: updateQueueHook over 32 connections, {SUBSCRIBERS} subscribers listening"
    )
    print(f"  {run.rate:.0f} mutations/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms, "
          f"CPU {run.cpu_ms_per_request:.2f} ms/mutation, non-2xx {run.errors}")  # fmt: skip
    print(f"  {result['changes']} changes committed; every subscriber got every one: "
          f"{result['delivered_to_all']}")  # fmt: skip


if __name__ == "__main__":
    main()
