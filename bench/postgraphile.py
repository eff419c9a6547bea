"""PostGraphile 5 (amber preset, no auth) as a third column, when installed outside
the repository:

    mkdir /work/pg-peer && cp bench/postgraphile-server/package*.json /work/pg-peer
    cd /work/pg-peer && npm ci && npm install-scripts approve node && npm rebuild node
    POSTGRAPHILE_DIR=/work/pg-peer make bench

The page is the same kind (about 20 hooks by event then id, flow schema, pageInfo,
totalCount), but amber's `condition` has only equality on indexed columns: its
filters are none or one event, not the event lists and State of ours and bare.
"""

import base64
import os
import random
import shutil
from pathlib import Path
from typing import Any

import asyncpg
import httpx

HERE = Path(__file__).parent / "postgraphile-server"
QUERY = """query Registry($c: QueueHookCondition, $first: Int, $after: Cursor, $o: [QueueHookOrderBy!]) {
  allQueueHooks(condition: $c, first: $first, after: $after, orderBy: $o) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id event enabled version updatedAt updatedBy flowSchemaByFlowSchemaId { id name type } } }
  }
}"""  # noqa: E501
ORDERS = {False: ["EVENT_ASC", "PRIMARY_KEY_ASC"], True: ["EVENT_DESC", "PRIMARY_KEY_DESC"]}
EVENTS: list[str | None] = [None, "missed", "joined", "answered", "active"]


def directory() -> Path | str:
    """Where PostGraphile is installed, or why it cannot run."""
    given = os.environ.get("POSTGRAPHILE_DIR")
    if not given:
        return "not measured: POSTGRAPHILE_DIR is not set (how to install: bench/postgraphile.py)"
    place = Path(given)
    node = place / "node_modules" / ".bin" / "node"
    if not (place / "node_modules" / "postgraphile").is_dir() or not node.exists():
        return (
            f"not measured: no node and postgraphile installed in {place} (bench/postgraphile.py)"
        )
    return place


def command(
    place: Path, url: str, workers: int, port: int, pool_max: int
) -> tuple[list[str], dict[str, str]]:
    # Node resolves the script's imports next to it, so it runs beside node_modules.
    shutil.copy(HERE / "server.mjs", place / "server.mjs")
    env = {
        "DATABASE_URL": url,
        "PORT": str(port),
        "WORKERS": str(workers),
        "POOL_MAX": str(pool_max),
        "GRAPHILE_ENV": "production",
    }
    return [str(place / "node_modules" / ".bin" / "node"), str(place / "server.mjs")], env


def cursor_prefixes(url: str) -> dict[bool, str]:
    """PostGraphile's cursors are base64 of [digest of the order, values...]: learn the
    digest of each order from one page."""
    found = {}
    for descending, order in ORDERS.items():
        body = {"query": QUERY, "variables": {"first": 1, "o": order}}
        cursor = httpx.post(url, json=body).json()["data"]["allQueueHooks"]["edges"][0]["cursor"]
        found[descending] = base64.b64decode(cursor).decode().split(",", 1)[0][2:-1]
    return found


def cold_bodies(
    keys: list[asyncpg.Record], queue_pk: int, deep: bool, seed: int, count: int,
    prefixes: dict[bool, str],
) -> list[dict[str, Any]]:  # fmt: skip
    """`count` distinct pages like registry.cold_bodies, with amber's conditions."""
    rng = random.Random(seed)
    seen: set[str] = set()
    bodies: list[dict[str, Any]] = []
    while len(bodies) < count:
        event = rng.choice(EVENTS)
        descending = rng.random() < 1 / 3
        rows = [k for k in keys if event is None or k["event"] == event]
        if descending:
            rows.reverse()
        last = max(len(rows) - 25, 1)
        condition: dict[str, Any] = {"queueId": queue_pk}
        if event is not None:
            condition["event"] = event
        variables: dict[str, Any] = {
            "c": condition, "first": rng.randint(16, 24), "o": ORDERS[descending],
        }  # fmt: skip
        if deep or rng.random() >= 0.1:
            at = rows[rng.randrange(int(last * 0.8) if deep else 0, last)]
            raw = f'["{prefixes[descending]}","{at["event"]}",{at["id"]}]'
            variables["after"] = base64.b64encode(raw.encode()).decode()
        key = repr(sorted(variables.items()))
        if key not in seen:
            seen.add(key)
            bodies.append({"query": QUERY, "variables": variables})
    return bodies


def warm_body(queue_pk: int) -> dict[str, Any]:
    return {
        "query": QUERY,
        "variables": {"c": {"queueId": queue_pk}, "first": 20, "o": ORDERS[False]},
    }
