"""Cross-replica delivery delay: commit on replica A, receive on replica B.

Starts two server processes on one PostgreSQL, subscribes on B, and toggles a
hook through A `--changes` times. For each change it records when the mutation
was sent, when its response (sent after the commit) arrived, and when B's
subscriber got the change. The commit happened between the first two, so
send->receive bounds commit->delivery from above.

    .venv/bin/python -m bench.delivery [--changes 200] [--rate 0]
"""

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time

import asyncpg
import httpx

from tests.live.servers import CHANGES, Subscriber, authed_subscriber, running_server, token
from tests.live.world import create_hook, given_a_queue, revision

TOGGLE = """mutation($id: ID!, $on: Boolean!) {
  setQueueHookEnabled(id: $id, enabled: $on) { __typename } }"""
ADMIN_DSN = os.environ.get("BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def fresh_database(name: str) -> str:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = ADMIN_DSN.rsplit("/", 1)[0].split("://", 1)[1]
    url = f"postgres://{base}/{name}"
    subprocess.run(  # noqa: ASYNC221 - setup, before anything is timed
        [sys.executable, "-m", "app", "migrate"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    return url


async def measure(changes: int, rate: float, subscribers: int = 1) -> dict[str, list[float]]:
    """Per change: from sending the mutation (and from its response) until the last of
    `subscribers` subscribers on replica B has it."""
    url = await fresh_database("hooks_bench_delivery")
    unlimited = {"RATE_LIMIT_PER_SECOND": "0"}  # the benchmark sends 200 mutations at once
    with running_server(url, **unlimited) as a, running_server(url, **unlimited) as b:
        world = await given_a_queue(a)
        hook = await create_hook(a, world)
        after = await revision(a, world)
        listening = [await authed_subscriber(b) for _ in range(subscribers)]
        for subscriber in listening:
            await subscriber.subscribe(CHANGES, {"q": world.queue_id, "after": after})
        headers = {"Authorization": f"Bearer {token()}"}
        async with httpx.AsyncClient() as client:  # one keep-alive connection, as a UI has
            # A subscribe message has no answer: B may still be setting subscriptions up
            # (100 of them take a few hundred ms) when the first change comes. The runs
            # measured that setup whenever it was still going (p99 of 200-500 ms, from the
            # first ~20 changes queued behind it), so one change, timed apart, waits for it.
            started = time.perf_counter()
            await toggle(client, a.http, headers, hook, on=True)
            for subscriber in listening:
                message = await subscriber.receive(within=30)
                warmed = message["payload"]["data"]["queueHooksChanged"]["revision"]
                assert warmed == after + 1, message
            setup_ms = (time.perf_counter() - started) * 1000
            first = after + 2  # the hook's creation was `after`, the warm-up change after + 1
            sent: dict[int, float] = {}
            answered: dict[int, float] = {}
            received: dict[int, float] = {}  # when the last subscriber got it

            async def receive(subscriber: Subscriber) -> None:
                got = 0
                while got < changes:
                    message = await subscriber.receive(within=30)
                    at = time.perf_counter()
                    change = message["payload"]["data"]["queueHooksChanged"]["revision"]
                    received[change] = max(received.get(change, 0.0), at)
                    got += 1

            readers = [asyncio.create_task(receive(subscriber)) for subscriber in listening]
            interval = 1 / rate if rate else 0.0
            for i in range(changes):
                started = time.perf_counter()
                sent[first + i] = started
                await toggle(client, a.http, headers, hook, on=i % 2 == 1)
                answered[first + i] = time.perf_counter()
                if interval:
                    await asyncio.sleep(max(0.0, started + interval - time.perf_counter()))
        await asyncio.gather(*readers)
        for subscriber in listening:
            await subscriber.close()
    return {
        "send_to_receive": [(received[r] - sent[r]) * 1000 for r in sent],
        "response_to_receive": [(received[r] - answered[r]) * 1000 for r in sent],
        "setup": [setup_ms],
    }


async def toggle(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], hook: str, on: bool
) -> None:
    response = await client.post(
        url, headers=headers, json={"query": TOGGLE, "variables": {"id": hook, "on": on}}
    )
    assert (
        response.json()["data"]["setQueueHookEnabled"]["__typename"] == "SetQueueHookEnabledSuccess"
    ), response.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument(
        "--rate", type=float, default=0, help="changes per second (0: back to back)"
    )
    parser.add_argument(
        "--subscribers", type=int, default=1, help="subscribers on the receiving replica"
    )
    args = parser.parse_args()
    results = asyncio.run(measure(args.changes, args.rate, args.subscribers))
    (setup_ms,) = results.pop("setup")
    print(machine())
    pace = f"{args.rate:g}/s" if args.rate else "back to back"
    print(
        f"cross-replica delivery over {args.changes} changes ({pace}) to the last of "
        f"{args.subscribers} subscriber(s) on the other replica, ms"
    )
    for name, values in results.items():
        median, p99 = statistics.median(values), percentile(values, 0.99)
        print(f"  {name:20} median {median:7.2f}  p99 {p99:7.2f}  max {max(values):7.2f}")
    print(
        f"  before them, one change right after subscribing reached all {args.subscribers} "
        f"in {setup_ms:.1f} ms (it waited for B to set the subscriptions up; not in the figures)"
    )


def machine() -> str:
    return (
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
