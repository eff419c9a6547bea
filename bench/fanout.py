"""`make bench` part 2: fan-out of one change to many WebSocket subscribers, and a
mutation storm while subscribers listen.

One server process on PostgreSQL. N subscribers (raw sockets, bench/rawws.py)
subscribe to the same queue; the server's RSS before and after gives the memory
per idle subscriber; then 5 changes are made one at a time and, for each, the
time from sending the mutation until each subscriber has it is recorded.
"""

import asyncio
import contextlib
import os
import resource
import statistics
import time
from typing import Any

import httpx
import uvloop

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.graphql.ids import to_global_id
from bench.data import TENANT, asyncpg_dsn, fresh_database
from bench.load import rss_bytes
from bench.registry import SECRET
from tests.live.servers import CHANGES

TOGGLE = """mutation($id: ID!, $on: Boolean!) {
  setQueueHookEnabled(id: $id, enabled: $on) { __typename } }"""
CONNECT_CONCURRENCY = 200


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def seed_small(url: str) -> tuple[str, str]:
    import asyncpg

    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        queue_pk = await conn.fetchval(
            "INSERT INTO queue (tenant, name, type, revision, created_at, updated_at) "
            "VALUES ($1, 'Fan-out', 'inbound', 0, now(), now()) RETURNING id",
            TENANT,
        )
        schema_pk = await conn.fetchval(
            "INSERT INTO flow_schema (tenant, name, type, created_at, updated_at) "
            "VALUES ($1, 'Webhook', 'service', now(), now()) RETURNING id",
            TENANT,
        )
        hook_pk = await conn.fetchval(
            "INSERT INTO queue_hook (queue_id, event, flow_schema_id, enabled, version, "
            "created_at, "
            "created_by, updated_at, updated_by) "
            "VALUES ($1, 'joined', $2, false, 1, now(), 'b', now(), 'b') RETURNING id",
            queue_pk,
            schema_pk,
        )
    finally:
        await conn.close()
    return to_global_id("Queue", queue_pk), to_global_id("QueueHook", hook_pk)


async def wait_for(url: str, field: str, value: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if (await client.get(url)).json()[field] >= value:
                return
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{field} never reached {value}")


async def send_changes(
    url: str,
    token: str,
    hook_id: str,
    received: list[list[float]],
    tally: Any,
    changes: int,
    pause: float,
) -> list[list[float]]:
    """Toggle the hook `changes` times; per change, how long after sending it each
    subscriber had it (`received[i][n]` is when subscriber i got change n). `pause`
    paces the changes; it is not synchronisation (the tally is)."""
    subscribers = len(received)
    per_change: list[list[float]] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient() as client:
        for n in range(changes):
            sent = time.perf_counter()
            response = await client.post(
                url, headers=headers,
                json={"query": TOGGLE, "variables": {"id": hook_id, "on": n % 2 == 0}},
            )  # fmt: skip
            assert "errors" not in response.json(), response.text
            tally.expect(subscribers * (n + 1))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(tally.reached.wait(), 30)
            arrivals = [r[n] - sent for r in received if len(r) > n]
            missing = subscribers - len(arrivals)
            if missing:
                raise RuntimeError(f"{missing} subscribers never got change {n + 1}")
            per_change.append(arrivals)
            await asyncio.sleep(pause)
    return per_change


async def fan_out(url: str, subscribers: int, changes: int = 5) -> dict[str, Any]:
    from bench.rawws import Tally, connect
    from bench.registry import ours

    token = issue_token(
        SECRET, tenant=TENANT, user="bench", permissions=tuple(ALL_PERMISSIONS), ttl_seconds=3600
    )
    queue_id, hook_id = await seed_small(url)
    with ours(url, 1) as server:
        port = int(server.url.rsplit(":", 1)[1].split("/")[0])
        health = f"http://127.0.0.1:{port}/healthz"
        await asyncio.sleep(0.5)
        before = rss_bytes(server.pid)
        received: list[list[float]] = [[] for _ in range(subscribers)]
        tally = Tally()
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(i: int) -> Any:
            async with gate:
                return await connect(
                    "127.0.0.1", port, token, CHANGES, {"q": queue_id}, received[i], tally
                )

        started = time.perf_counter()
        sockets = await asyncio.gather(*(one(i) for i in range(subscribers)))
        await wait_for(health, "sharedSubscribers", subscribers)
        connect_seconds = time.perf_counter() - started
        await asyncio.sleep(1)
        after = rss_bytes(server.pid)
        per_change = await send_changes(server.url, token, hook_id, received, tally, changes, 0.2)
        delays = [delay for arrivals in per_change for delay in arrivals]
        lasts = [max(arrivals) for arrivals in per_change]
        for socket in sockets:
            if socket.transport is not None:
                socket.transport.close()
    return {
        "subscribers": subscribers,
        "connect_s": connect_seconds,
        "p50_ms": statistics.median(delays) * 1000,
        "p99_ms": percentile(delays, 0.99) * 1000,
        "max_ms": max(delays) * 1000,
        "last_p99_ms": percentile(lasts, 0.99) * 1000,
        "kib_per_subscriber": (after - before) / subscribers / 1024,
    }


def main() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sizes = [int(n) for n in os.environ.get("BENCH_FANOUT", "1000,5000,10000").split(",")]
    rows = []
    for size in sizes:
        url = asyncio.run(fresh_database("hooks_bench_fanout"))
        rows.append(uvloop.run(fan_out(url, size)))  # the client must not be the bottleneck
        print(rows[-1], flush=True)
    from bench.machine import describe

    print()
    print(describe())
    print("Fan-out: one process, N identical subscribers, 5 changes one at a time; from")
    print("sending the mutation until each subscriber has the change")
    print(f"{'subscribers':>11} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'last p99':>8} "
          f"{'KiB/sub':>7} {'connect s':>9}")  # fmt: skip
    for row in rows:
        print(f"{row['subscribers']:>11} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} "
              f"{row['max_ms']:>7.1f} {row['last_p99_ms']:>8.1f} {row['kib_per_subscriber']:>7.1f} "
              f"{row['connect_s']:>9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
