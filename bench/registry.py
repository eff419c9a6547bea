"""`make bench` part 1: the registry page query against the bare-endpoint ceiling.

Seeds PostgreSQL with a queue of 10,000 hooks, starts the real server and the
bare Starlette + asyncpg endpoint (bench/bare.py) with 1 and then 2 workers, and
drives both with wrk (32 connections), interleaving the runs and reporting medians.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.pagination import Keyset, encode_cursor
from app.graphql.ids import to_global_id
from bench.data import TENANT, asyncpg_dsn, fresh_database, seed_registry
from bench.load import Run, lua_script, wrk
from tests.live.servers import free_port

SECRET = "bench-secret-long-enough-for-hs256-signing"
PAGE_QUERY = """query Registry($q: ID!, $first: Int, $after: String, $filter: QueueHookFilter) {
  queueHooks(queueId: $q, first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id event enabled version updatedAt updatedBy flowSchema { id name type } } }
  }
}"""
COLD_BODIES = 3000
FILTERS: list[dict[str, Any] | None] = [None, {"enabled": False}, {"events": ["MISSED", "JOINED"]}]


@dataclass
class Target:
    name: str
    url: str
    pid: int


@contextmanager
def started(command: list[str], env: dict[str, str], port: int, name: str) -> Iterator[Target]:
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.post(f"http://127.0.0.1:{port}/graphql", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start") from None
                time.sleep(0.2)
        yield Target(name=name, url=f"http://127.0.0.1:{port}/graphql", pid=process.pid)
    finally:
        process.terminate()
        process.wait(timeout=15)


def ours(url: str, workers: int) -> Any:
    port = free_port()
    env = {
        "APP_ENV": "production",
        "DATABASE_URL": url,
        "JWT_SECRET": SECRET,
        "PORT": str(port),
        "WORKERS": str(workers),
        "ACCESS_LOG": "false",
        "REQUEST_LOG": "false",
        # The benchmark measures the engine; one token at thousands of requests/s
        # is exactly what the per-token rate limit exists to stop.
        "RATE_LIMIT_PER_SECOND": "0",
    }
    return started([sys.executable, "-m", "app", "serve", "--no-migrate"], env, port, "ours")


def bare(url: str, workers: int) -> Any:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "bench.bare:app", "--port", str(port),
        "--workers", str(workers), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    return started(command, {"DATABASE_URL": url, "JWT_SECRET": SECRET}, port, "bare")


async def page_bodies(url: str, queue_pk: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        keys = await conn.fetch(
            "SELECT event, id FROM queue_hook WHERE queue_id = $1 ORDER BY event, id", queue_pk
        )
    finally:
        await conn.close()
    queue_id = to_global_id("Queue", queue_pk)
    warm = {"query": PAGE_QUERY, "variables": {"q": queue_id, "first": 20}}
    cursors = [encode_cursor("EVENT:asc", Keyset(k["event"], k["id"])) for k in keys[19::20]]
    cold = [
        {
            "query": PAGE_QUERY,
            "variables": {
                "q": queue_id,
                "first": 20 + (i // len(cursors)) % 3,
                "after": cursors[i % len(cursors)],
                "filter": FILTERS[i % len(FILTERS)],
            },
        }
        # More distinct bodies than the response cache holds, visited in turn:
        # every cold request misses it.
        for i in range(COLD_BODIES)
    ]
    return warm, cold


def same_bytes(a: Target, b: Target, body: dict[str, Any], token: str) -> bool:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/graphql-response+json"}
    return (
        httpx.post(a.url, json=body, headers=headers).content
        == httpx.post(b.url, json=body, headers=headers).content
    )


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "5"))
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    url = asyncio.run(fresh_database("hooks_bench"))
    queue_pk = asyncio.run(seed_registry(url))
    token = issue_token(
        SECRET, tenant=TENANT, user="bench", permissions=tuple(ALL_PERMISSIONS), ttl_seconds=3600
    )
    warm, cold = asyncio.run(page_bodies(url, queue_pk))
    scripts = {"warm": lua_script([warm], token), "cold": lua_script(cold, token)}
    results: dict[tuple[int, str, str], list[Run]] = {}
    single: list[Run] = []
    for workers in (1, 2):
        with ours(url, workers) as mine, bare(url, workers) as limit:
            print(f"[{workers} worker(s)] same bytes as the bare endpoint: "
                  f"{same_bytes(mine, limit, warm, token)}", flush=True)  # fmt: skip
            for target in (mine, limit):  # warm up connections, caches and JIT-free paths
                wrk(target.url, scripts["cold"], 32, 1, target.pid)
            for _ in range(repeats):
                for scenario, script in scripts.items():
                    for target in (mine, limit):
                        run = wrk(target.url, script, 32, seconds, target.pid)
                        results.setdefault((workers, scenario, target.name), []).append(run)
            if workers == 1:
                single = [
                    wrk(mine.url, scripts["warm"], 1, seconds, mine.pid) for _ in range(repeats)
                ]
    report(results, single)


def median_run(runs: list[Run]) -> Run:
    return Run(
        requests=int(statistics.median(r.requests for r in runs)),
        rate=statistics.median(r.rate for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        cpu_ms_per_request=statistics.median(r.cpu_ms_per_request for r in runs),
        errors=sum(r.errors for r in runs),
    )


def report(results: dict[tuple[int, str, str], list[Run]], single: list[Run]) -> None:
    from bench.machine import describe

    print()
    print(describe())
    print("Registry page query: 20 hooks with flow schemas, pageInfo, totalCount; queue of 10,000")
    print("hooks; wrk, 32 connections; medians of interleaved runs")
    print(f"{'workers':>7} {'scenario':>8} {'server':>6} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'CPU ms/req':>10} {'errors':>6} {'vs bare':>7}")  # fmt: skip
    for (workers, scenario, name), runs in sorted(results.items()):
        run = median_run(runs)
        ceiling = median_run(results[(workers, scenario, "bare")])
        print(f"{workers:>7} {scenario:>8} {name:>6} {run.rate:>8.0f} {run.p50_ms:>7.2f} "
              f"{run.p99_ms:>7.2f} {run.cpu_ms_per_request:>10.2f} {run.errors:>6} "
              f"{run.rate / ceiling.rate:>6.2f}x")  # fmt: skip
    one = median_run(single)
    print(f"one connection, warm, ours: {one.rate:.0f} req/s, p50 {one.p50_ms:.2f} ms, "
          f"p99 {one.p99_ms:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
