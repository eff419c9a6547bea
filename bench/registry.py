"""`make bench` part 1: the registry page query against the bare-endpoint ceiling.

Seeds PostgreSQL with queues of 1,000, 10,000 and 100,000 hooks, starts the real
server, the bare Starlette + asyncpg endpoint (bench/bare.py) and, when
POSTGRAPHILE_DIR holds it (bench/postgraphile.py), PostGraphile 5, with 1 and then
2 workers, and drives them with wrk, interleaving the runs (the cold sets in another
order each round) and reporting medians,
with each one's CPU and its PostgreSQL backends' CPU per request.

Honest by construction: each cold set holds more distinct bodies than every
worker's response cache together, each run goes on where the last one on that
target stopped, and every answer's `X-Response-Cache` header is counted, so a
"cold" row that a cache helped (over 1% hits) is printed as INVALID. A new cache
of results must mark its hits the same way. 200 answers carrying GraphQL errors
are counted too (a fast error is not a page).
"""

import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.pagination import Keyset, encode_cursor
from app.graphql.ids import to_global_id
from bench import postgraphile
from bench.data import TENANT, asyncpg_dsn, fresh_database, seed_queues
from bench.load import Run, database_connections, lua_script, wrk
from tests.live.servers import free_port

SECRET = "bench-secret-long-enough-for-hs256-signing"
DATABASE = os.environ.get("BENCH_DATABASE", "hooks_bench")
PAGE_QUERY = """query Registry($q: ID!, $first: Int, $after: String, $filter: QueueHookFilter, $orderBy: QueueHookOrder) {
  queueHooks(queueId: $q, first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id event enabled version updatedAt updatedBy flowSchema { id name type } } }
  }
}"""  # noqa: E501
SIZES = (1_000, 10_000, 100_000)
CACHE_SIZE = int(os.environ.get("RESPONSE_CACHE_SIZE", "1024"))
# Per worker: with LRU caches and bodies visited in turn, a body comes back only after
# every other one, long after each worker's cache (which sees about 1/workers of them)
# dropped it.
COLD_BODIES = 4 * CACHE_SIZE
INVALID_HIT_SHARE = 0.01
CONNECTIONS = 32
# The server has no pool-size setting: each worker gets Tortoise's asyncpg default
# (min 1, max 5), and query parameters in DATABASE_URL would also reach the change
# listener's asyncpg.connect as PostgreSQL settings (and fail). So the bare endpoint's
# pool is sized like it; the connections each holds are printed after the runs.
POOL_MIN, POOL_MAX = 1, 5
FILTERS: list[tuple[dict[str, Any] | None, Callable[[asyncpg.Record], bool]]] = [
    (None, lambda k: True),
    ({"enabled": False}, lambda k: not k["enabled"]),
    ({"events": ["MISSED", "JOINED"]}, lambda k: k["event"] in ("missed", "joined")),
    (
        {"events": ["ANSWERED", "BRIDGED", "OFFERING"]},
        lambda k: k["event"] in ("answered", "bridged", "offering"),
    ),
    (
        {"events": ["ACTIVE"], "enabled": False},
        lambda k: k["event"] == "active" and not k["enabled"],
    ),
]
# Only orders the (queue_id, event, id) index serves: sorting 100,000 rows by an
# unindexed column would measure PostgreSQL's sort, not the servers.
ORDERS: list[dict[str, str] | None] = [
    None,
    {"field": "EVENT", "direction": "ASC"},
    {"field": "EVENT", "direction": "DESC"},
]


Keys = dict[int, list[asyncpg.Record]]


@dataclass
class Target:
    name: str
    url: str
    pid: int
    token: str = ""
    # Where each body set's next run starts, so no run repeats the last one's bodies.
    next_body: dict[str, int] = field(default_factory=dict)


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
        "RESPONSE_CACHE_SIZE": str(CACHE_SIZE),
    }
    return started([sys.executable, "-m", "app", "serve", "--no-migrate"], env, port, "ours")


def bare(url: str, workers: int) -> Any:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "bench.bare:app", "--port", str(port),
        "--workers", str(workers), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    env = {
        "DATABASE_URL": url,
        "JWT_SECRET": SECRET,
        "BARE_POOL_MIN": str(POOL_MIN),
        "BARE_POOL_MAX": str(POOL_MAX),
    }
    return started(command, env, port, "bare")


def peer(place: Path, url: str, workers: int) -> Any:
    port = free_port()
    command, env = postgraphile.command(place, url, workers, port, POOL_MAX)
    return started(command, env, port, "pgl")


def peer_scripts(target: Target, keys: Keys, queues: dict[int, int]) -> dict[tuple[str, str], Path]:
    """PostGraphile's own bodies for each set (its query and cursors)."""
    prefixes = postgraphile.cursor_prefixes(target.url)
    bodies = {
        "warm": [postgraphile.warm_body(queues[10_000])],
        "deep-100k": postgraphile.cold_bodies(
            keys[100_000], queues[100_000], True, 1, COLD_BODIES, prefixes
        ),
    }
    for size in SIZES:
        bodies[f"cold-{size // 1000}k"] = postgraphile.cold_bodies(
            keys[size], queues[size], False, size, COLD_BODIES, prefixes
        )
    return {("pgl", name): lua_script(found, "none") for name, found in bodies.items()}


@dataclass
class BodySet:
    """What one row measures: the bodies, and whether a cache may answer them."""

    name: str
    title: str
    bodies: list[dict[str, Any]]
    cold: bool


async def queue_keys(url: str, queues: dict[int, int]) -> Keys:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        keys = {
            size: await conn.fetch(
                "SELECT event, id, enabled FROM queue_hook WHERE queue_id = $1 ORDER BY event, id",
                pk,
            )
            for size, pk in queues.items()
        }
    finally:
        await conn.close()
    return keys


def body_sets(keys: Keys, queues: dict[int, int]) -> list[BodySet]:
    warm = {
        "query": PAGE_QUERY,
        "variables": {"q": to_global_id("Queue", queues[10_000]), "first": 20},
    }
    sets = [BodySet("warm", "warm: one body, queue of 10,000", [warm], cold=False)]
    for size in SIZES:
        sets.append(
            BodySet(
                f"cold-{size // 1000}k",
                f"cold: queue of {size:,}",
                cold_bodies(keys[size], to_global_id("Queue", queues[size]), False, size, warm),
                cold=True,
            )
        )
    sets.append(
        BodySet(
            "deep-100k",
            "cold, deep: cursors past 80% of the queue of 100,000",
            cold_bodies(keys[100_000], to_global_id("Queue", queues[100_000]), True, 1, warm),
            cold=True,
        )
    )
    return sets


def cold_bodies(
    keys: Sequence[Mapping[str, Any]], queue_id: str, deep: bool, seed: int, warm: dict[str, Any]
) -> list[dict[str, Any]]:
    """COLD_BODIES distinct pages of about 20 hooks: filters, orders, page sizes 16-24,
    and a cursor (or none, one in ten, unless deep) on a row the filter keeps, so
    pages are full rather than empty. Never the warm body, which the cache holds."""
    rng = random.Random(seed)
    seen = {orjson.dumps(warm)}
    bodies: list[dict[str, Any]] = []
    while len(bodies) < COLD_BODIES:
        given, keeps = rng.choice(FILTERS)
        order = rng.choice(ORDERS)
        descending = order is not None and order["direction"] == "DESC"
        rows = [k for k in keys if keeps(k)]
        if descending:
            rows.reverse()
        last = max(len(rows) - 25, 1)
        variables: dict[str, Any] = {"q": queue_id, "first": rng.randint(16, 24)}
        if deep or rng.random() >= 0.1:
            at = rows[rng.randrange(int(last * 0.8) if deep else 0, last)]
            sort = f"EVENT:{'desc' if descending else 'asc'}"
            variables["after"] = encode_cursor(sort, Keyset(at["event"], at["id"]))
        if given is not None:
            variables["filter"] = given
        if order is not None:
            variables["orderBy"] = order
        body = {"query": PAGE_QUERY, "variables": variables}
        encoded = orjson.dumps(body)
        if encoded not in seen:
            seen.add(encoded)
            bodies.append(body)
    return bodies


def mismatches(a: Target, b: Target, bodies: list[dict[str, Any]]) -> int:
    """How many of the bodies get different bytes from the two targets."""
    different = 0
    for body in bodies:
        answers = [
            httpx.post(
                t.url,
                json=body,
                headers={
                    "Authorization": f"Bearer {t.token}",
                    "Accept": "application/graphql-response+json",
                },
            ).content
            for t in (a, b)
        ]
        different += answers[0] != answers[1]
    return different


def run_on(target: Target, name: str, script: Path, connections: int, seconds: float) -> Run:
    start = target.next_body.get(name, 0)
    run = wrk(target.url, script, connections, seconds, target.pid, start=start, database=DATABASE)
    target.next_body[name] = run.next_body
    return run


Results = dict[tuple[int, str, str], list[Run]]
RANK = {"ours": 0, "pgl": 1, "bare": 2}


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "5"))
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    url = asyncio.run(fresh_database(DATABASE))
    queues = asyncio.run(seed_queues(url, SIZES))
    token = issue_token(
        SECRET, tenant=TENANT, user="bench", permissions=tuple(ALL_PERMISSIONS), ttl_seconds=3600
    )
    keys = asyncio.run(queue_keys(url, queues))
    sets = body_sets(keys, queues)
    scripts = {(t, s.name): lua_script(s.bodies, token) for s in sets for t in ("ours", "bare")}
    place = postgraphile.directory()
    results: Results = {}
    single: Results = {}
    notes: list[str] = []
    for workers in (1, 2):
        with ExitStack() as stack:
            targets = [
                stack.enter_context(ours(url, workers)),
                stack.enter_context(bare(url, workers)),
            ]
            if isinstance(place, Path):
                targets.append(stack.enter_context(peer(place, url, workers)))
                if ("pgl", "warm") not in scripts:
                    scripts.update(peer_scripts(targets[-1], keys, queues))
            for target in targets:
                target.token = token
            mine, limit = targets[:2]
            # From the end of each set: the runs reach these bodies last, long after
            # the cache dropped them.
            checked = [b for s in sets for b in s.bodies[-5:]]
            notes.append(f"{workers} worker(s): {mismatches(mine, limit, checked)} of "
                         f"{len(checked)} sample bodies answered with other bytes by ours "
                         "than by bare")  # fmt: skip
            for target in targets:  # connections, PostgreSQL's buffers, lazy imports
                for s in sets:
                    run_on(target, s.name, scripts[(target.name, s.name)], CONNECTIONS, 1)
            cold_sets = [s for s in sets if s.cold]
            warm_sets = [s for s in sets if not s.cold]
            for round_number in range(repeats):
                # The cold rows in another order each round, the warm row last: a row
                # that always ran right after the warm one measured that position
                # (cold-1k looked 5% slower than cold-10k; run apart, they were equal).
                shift = round_number % len(cold_sets)
                for s in cold_sets[shift:] + cold_sets[:shift] + warm_sets:
                    for target in targets:
                        script = scripts[(target.name, s.name)]
                        run = run_on(target, s.name, script, CONNECTIONS, seconds)
                        results.setdefault((workers, s.name, target.name), []).append(run)
            if workers == 1:
                cold = next(s for s in sets if s.name == "cold-10k")
                for _ in range(repeats):
                    for target in targets:
                        script = scripts[(target.name, cold.name)]
                        run = run_on(target, cold.name, script, 1, seconds)
                        single.setdefault((1, cold.name, target.name), []).append(run)
            held = ", ".join(f"{t.name} {database_connections(t.pid)}" for t in targets)
            notes.append(f"{workers} worker(s): PostgreSQL connections held after the runs: "
                         f"{held} (ours: its pool and one change listener per worker)")  # fmt: skip
    notes.append(
        "PostGraphile 5 (pgl): amber preset, no auth; its filters are none or one event (amber "
        "has no lists or State condition)"
        if isinstance(place, Path)
        else f"PostGraphile 5: {place}"
    )
    report(sets, results, single, notes, seconds, repeats, CONNECTIONS)


def median_run(runs: list[Run]) -> Run:
    return Run(
        requests=sum(r.requests for r in runs),
        rate=statistics.median(r.rate for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        cpu_ms_per_request=statistics.median(r.cpu_ms_per_request for r in runs),
        errors=sum(r.errors for r in runs),
        hits=sum(r.hits for r in runs),
        graphql_errors=sum(r.graphql_errors for r in runs),
        db_cpu_ms_per_request=statistics.median(r.db_cpu_ms_per_request for r in runs),
        max_ms=max(r.max_ms for r in runs),
    )


def invalid(run: Run, cold: bool) -> str:
    """Why a row cannot stand as a figure, or ''."""
    if run.errors or run.graphql_errors:
        return f"INVALID: {run.errors} failed, {run.graphql_errors} with GraphQL errors"
    if cold and run.hits > INVALID_HIT_SHARE * run.requests:
        return f"INVALID: {run.hits / run.requests:.0%} of answers were cache hits"
    return ""


def report(
    sets: list[BodySet],
    results: Results,
    single: Results,
    notes: list[str],
    seconds: float,
    repeats: int,
    connections: int,
) -> None:
    from bench.machine import describe

    titles = {s.name: s.title for s in sets}
    cold = {s.name: s.cold for s in sets}
    print()
    print(describe())
    print(
        "Registry page query: about 20 hooks (16-24) with flow schemas, pageInfo, totalCount;\n"
        f"cold sets: {COLD_BODIES:,} distinct bodies each (response cache: {CACHE_SIZE:,} per "
        "worker) over 5 filters,\n3 event orders, cursors on rows the filter keeps; wrk -t1 "
        f"-c{connections}, {seconds:g} s runs, median of {repeats} interleaved rounds.\n"
        "server CPU: the server's process tree; PostgreSQL CPU: the backends connected to "
        f"the benchmark's database;\nboth per request. hits: answers with X-Response-Cache: "
        f"hit (a cold row over {INVALID_HIT_SHARE:.0%} is INVALID). Pools: at most {POOL_MAX} "
        "connections per worker each (the connections held are below)."
    )
    header = (
        f"{'workers':>7} {'set':<10} {'server':<6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'srv CPU ms/req':>14} {'PG CPU ms/req':>13} {'hits':>6} {'vs bare':>7}"
    )
    print(header)
    order = {s.name: i for i, s in enumerate(sets)}
    rows = sorted(results.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], RANK[kv[0][2]]))
    for (workers, name, target), runs in rows:
        run = median_run(runs)
        ceiling = median_run(results[(workers, name, "bare")])
        prefix = f"{workers:>7} {name:<10} {target:<6}"
        if why := invalid(run, cold[name]):
            print(f"{prefix} {why}")
            continue
        share = run.hits / max(run.requests, 1)
        print(f"{prefix} {run.rate:>7.0f} {run.p50_ms:>7.2f} {run.p99_ms:>7.2f} "
              f"{run.cpu_ms_per_request:>14.2f} {run.db_cpu_ms_per_request:>13.2f} "
              f"{share:>6.1%} {run.rate / ceiling.rate:>6.2f}x")  # fmt: skip
    print("sets: " + "; ".join(f"{name}: {title}" for name, title in titles.items()))
    print()
    print(f"One connection, cold (queue of 10,000), 1 worker; wrk -c1, {repeats} runs of "
          f"{seconds:g} s:")  # fmt: skip
    print(f"{'server':<6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'worst p99':>9} "
          f"{'max ms':>7} {'srv CPU ms/req':>14} {'PG CPU ms/req':>13} {'hits':>6}")  # fmt: skip
    for (_, name, target), runs in sorted(single.items(), key=lambda kv: RANK[kv[0][2]]):
        run = median_run(runs)
        if why := invalid(run, cold[name]):
            print(f"{target:<6} {why}")
            continue
        print(f"{target:<6} {run.rate:>7.0f} {run.p50_ms:>7.2f} {run.p99_ms:>7.2f} "
              f"{max(r.p99_ms for r in runs):>9.2f} {run.max_ms:>7.1f} "
              f"{run.cpu_ms_per_request:>14.2f} {run.db_cpu_ms_per_request:>13.2f} "
              f"{run.hits / max(run.requests, 1):>6.1%}")  # fmt: skip
    print()
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
