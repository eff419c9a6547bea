"""GC policy: the one before issue 9 item 13 ("old") against app/web/gc_tuning.py ("new").

Runs alternate between the two (old, new, new, old, ...), one server process at a
time on PostgreSQL, and the table gives the medians per policy and new/old:

(a) N idle subscribed WebSockets (raw sockets, bench/rawws.py): the lag of a probe
    inside the server that schedules a callback every 10 ms (max and p99), and the
    server's CPU while nothing happens;
(b) fan-out of one change at a time to the N subscribers: the time from sending
    the mutation until the last subscriber has it;
(c) steady HTTP load (wrk, 32 connections, one worker, the cold registry page
    query): RSS growth, after a warm-up.

    python -m bench.gc_stalls
    BENCH_GC_SUBSCRIBERS=10000 BENCH_GC_ROUNDS=2 BENCH_GC_IDLE_SECONDS=20
    BENCH_GC_CHANGES=8 BENCH_GC_LOAD_SECONDS=60 (the defaults)

The server runs as `python -m bench.gc_stalls --serve old|new`: the real app, with
its GC task swapped for the chosen policy plus the probe.
"""

import asyncio
import gc
import os
import resource
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import uvloop

PROBE_PERIOD = 0.01
POLICIES = ("old", "new")


# --- the server side --------------------------------------------------------------


async def old_keep_collections_short(freeze_every: float, collect_every: float) -> None:
    """The policy as it was (commit 660ee5a): a frozen-set walk every tick."""
    gc.freeze()
    baseline = gc.get_freeze_count()
    last_collect = time.monotonic()
    while True:
        await asyncio.sleep(freeze_every)
        gc.freeze()
        since = time.monotonic() - last_collect
        grown = gc.get_freeze_count() - baseline
        if since >= collect_every or grown > max(100_000, baseline * 0.25):
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            baseline = gc.get_freeze_count()
            last_collect = time.monotonic()


class Probe:
    """Lateness of a callback due every 10 ms; SIGUSR1 writes the lags so far and resets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lags: list[float] = []
        self.due = 0.0

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, self.dump)
        self.due = time.monotonic() + PROBE_PERIOD
        loop.call_later(PROBE_PERIOD, self.beat)

    def beat(self) -> None:
        now = time.monotonic()
        self.lags.append(now - self.due)
        self.due = now + PROBE_PERIOD
        asyncio.get_running_loop().call_later(PROBE_PERIOD, self.beat)

    def dump(self) -> None:
        partial = self.path.with_suffix(".partial")
        partial.write_bytes(orjson.dumps(self.lags))
        partial.replace(self.path)
        self.lags = []


def serve(policy: str) -> int:
    import app.web.app as web
    from app.__main__ import main as app_main
    from app.web.gc_tuning import keep_collections_short

    chosen = old_keep_collections_short if policy == "old" else keep_collections_short

    async def probed(freeze_every: float, collect_every: float) -> None:
        Probe(Path(os.environ["GC_STALLS_PROBE"])).start()
        await chosen(freeze_every, collect_every)

    # The lifespan looks the name up when it starts.
    setattr(web, "keep_collections_short", probed)  # noqa: B010 - not re-exported, on purpose
    return app_main(["serve", "--no-migrate"])


# --- the client side --------------------------------------------------------------


@contextmanager
def server(url: str, policy: str, probe: Path) -> Iterator[Any]:
    from bench.registry import SECRET, started
    from tests.live.servers import free_port

    port = free_port()
    env = {
        "APP_ENV": "production",
        "DATABASE_URL": url,
        "JWT_SECRET": SECRET,
        "PORT": str(port),
        "WORKERS": "1",
        "ACCESS_LOG": "false",
        "REQUEST_LOG": "false",
        "RATE_LIMIT_PER_SECOND": "0",
        "GC_STALLS_PROBE": str(probe),
    }
    command = [sys.executable, "-m", "bench.gc_stalls", "--serve", policy]
    with started(command, env, port, policy) as target:
        yield target


def read_probe(pid: int, probe: Path) -> list[float]:
    """The lags since the last read (a few ms with the client loop held: it is idle)."""
    probe.unlink(missing_ok=True)
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + 30
    while not probe.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the probe never answered")
        time.sleep(0.005)
    lags: list[float] = orjson.loads(probe.read_bytes())
    return lags


async def sockets_run(
    url: str, policy: str, subscribers: int, idle: float, changes: int
) -> dict[str, float]:
    from app.core.identity import ALL_PERMISSIONS, issue_token
    from bench.data import TENANT
    from bench.fanout import CONNECT_CONCURRENCY, percentile, seed_small, send_changes, wait_for
    from bench.load import cpu_seconds, rss_bytes
    from bench.rawws import Tally, connect
    from bench.registry import SECRET
    from tests.live.servers import CHANGES

    token = issue_token(
        SECRET, tenant=TENANT, user="bench", permissions=tuple(ALL_PERMISSIONS), ttl_seconds=3600
    )
    queue_id, hook_id = await seed_small(url)
    probe = Path(f"/tmp/gc_stalls_probe_{os.getpid()}.json")
    with server(url, policy, probe) as target:
        port = int(target.url.rsplit(":", 1)[1].split("/")[0])
        received: list[list[float]] = [[] for _ in range(subscribers)]
        tally = Tally()
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(i: int) -> Any:
            async with gate:
                return await connect(
                    "127.0.0.1", port, token, CHANGES, {"q": queue_id}, received[i], tally
                )

        sockets = await asyncio.gather(*(one(i) for i in range(subscribers)))
        await wait_for(f"http://127.0.0.1:{port}/healthz", "sharedSubscribers", subscribers)
        await asyncio.sleep(3)  # let the collections the connections caused pass
        read_probe(target.pid, probe)
        cpu_before, started = cpu_seconds(target.pid), time.monotonic()
        await asyncio.sleep(idle)
        lags = read_probe(target.pid, probe)
        cpu = (cpu_seconds(target.pid) - cpu_before) / (time.monotonic() - started)
        rss = rss_bytes(target.pid)

        # Paced so that changes land at varied points of a GC tick.
        per_change = await send_changes(target.url, token, hook_id, received, tally, changes, 0.7)
        lasts = [max(arrivals) for arrivals in per_change]
        for socket in sockets:
            if socket.transport is not None:
                socket.transport.close()
    return {
        "lag_max_ms": max(lags) * 1000,
        "lag_p99_ms": percentile(lags, 0.99) * 1000,
        "idle_cpu_pct": cpu * 100,
        "rss_mib": rss / 2**20,
        "last_median_ms": statistics.median(lasts) * 1000,
        "last_max_ms": max(lasts) * 1000,
    }


def load_run(url: str, policy: str, script: Path, seconds: float) -> dict[str, float]:
    from bench.load import rss_bytes, wrk

    probe = Path(f"/tmp/gc_stalls_probe_{os.getpid()}.json")
    with server(url, policy, probe) as target:
        wrk(target.url, script, 32, 5, target.pid)  # caches, pools and arenas filled first
        before = rss_bytes(target.pid)
        run = wrk(target.url, script, 32, seconds, target.pid)
        after = rss_bytes(target.pid)
    return {
        "rss_growth_mib_s": (after - before) / 2**20 / seconds,
        "rss_end_mib": after / 2**20,
        "req_s": run.rate,
        "cpu_ms_per_req": run.cpu_ms_per_request,
    }


ROWS = [
    ("idle: probe lag max, ms", "lag_max_ms"),
    ("idle: probe lag p99, ms", "lag_p99_ms"),
    ("idle: server CPU, %", "idle_cpu_pct"),
    ("idle: server RSS, MiB", "rss_mib"),
    ("fan-out: last subscriber, median ms", "last_median_ms"),
    ("fan-out: last subscriber, max ms", "last_max_ms"),
    ("HTTP load: RSS growth, MiB/s", "rss_growth_mib_s"),
    ("HTTP load: RSS at the end, MiB", "rss_end_mib"),
    ("HTTP load: req/s", "req_s"),
    ("HTTP load: server CPU ms/req", "cpu_ms_per_req"),
]


def main() -> None:
    from app.core.identity import ALL_PERMISSIONS, issue_token
    from app.graphql.ids import to_global_id
    from bench.data import TENANT, fresh_database, seed_registry
    from bench.load import lua_script, require_wrk
    from bench.machine import describe
    from bench.registry import PAGE_QUERY, SECRET, cold_bodies, queue_keys

    require_wrk()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    subscribers = int(os.environ.get("BENCH_GC_SUBSCRIBERS", "10000"))
    rounds = int(os.environ.get("BENCH_GC_ROUNDS", "2"))
    idle = float(os.environ.get("BENCH_GC_IDLE_SECONDS", "20"))
    changes = int(os.environ.get("BENCH_GC_CHANGES", "8"))
    load_seconds = float(os.environ.get("BENCH_GC_LOAD_SECONDS", "60"))

    url = asyncio.run(fresh_database("hooks_bench_gc"))
    queue_pk = asyncio.run(seed_registry(url))
    token = issue_token(
        SECRET, tenant=TENANT, user="bench", permissions=tuple(ALL_PERMISSIONS), ttl_seconds=3600
    )
    keys = asyncio.run(queue_keys(url, {10_000: queue_pk}))
    queue_id = to_global_id("Queue", queue_pk)
    warm = {"query": PAGE_QUERY, "variables": {"q": queue_id, "first": 20}}
    cold = cold_bodies(keys[10_000], queue_id, False, 1, warm)
    script = lua_script(cold, token)
    # old, new, new, old, ...: a drift in the machine's load falls on both alike
    order = [POLICIES if r % 2 == 0 else POLICIES[::-1] for r in range(rounds)]
    results: dict[str, list[dict[str, float]]] = {p: [] for p in POLICIES}
    for policies in order:
        for policy in policies:
            run = uvloop.run(sockets_run(url, policy, subscribers, idle, changes))
            print(policy, "sockets", {k: round(v, 1) for k, v in run.items()}, flush=True)
            results[policy].append(run)
    for r, policies in enumerate(order):
        for policy in policies:
            run = load_run(url, policy, script, load_seconds)
            print(policy, "HTTP load", {k: round(v, 2) for k, v in run.items()}, flush=True)
            results[policy][r] |= run
    report(results, subscribers, rounds, idle, changes, load_seconds, describe)


def report(
    results: dict[str, list[dict[str, float]]],
    subscribers: int,
    rounds: int,
    idle: float,
    changes: int,
    load_seconds: float,
    describe: Callable[[], str],
) -> None:
    print()
    print(describe())
    print(f"GC policy, medians of {rounds} interleaved runs each: {subscribers} subscribed")
    print(f"WebSockets idle {idle:.0f} s, then {changes} changes one at a time; then HTTP load")
    print(f"(wrk, 32 connections, cold registry query, one worker) for {load_seconds:.0f} s")
    print("old: freeze + gc.get_freeze_count() every second (commit 660ee5a)")
    print("new: freeze every second, growth by sys.getallocatedblocks(), on a tick that is on time")
    print(f"{'':<38} {'old':>9} {'new':>9} {'new/old':>8}")
    for title, key in ROWS:
        old = statistics.median(r[key] for r in results["old"])
        new = statistics.median(r[key] for r in results["new"])
        ratio = f"{new / old:.2f}x" if old else "-"
        print(f"{title:<38} {old:>9.2f} {new:>9.2f} {ratio:>8}")


def entry(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        return serve(argv[1])
    main()
    return 0


if __name__ == "__main__":
    raise SystemExit(entry(sys.argv[1:]))
