"""The registry benchmark's cold sets: a response cache must not be able to answer them."""

from typing import Any

import orjson

from bench.data import EVENTS
from bench.load import Run
from bench.registry import CACHE_SIZE, PAGE_QUERY, cold_bodies, invalid

KEYS = [
    {"event": event, "id": i, "enabled": i < 8}
    for event in sorted(EVENTS)
    for i in range(1_000)
    if i % len(EVENTS) == EVENTS.index(event)
]
WARM = {"query": PAGE_QUERY, "variables": {"q": "UXVldWU6MQ", "first": 20}}


def cache_keys(bodies: list[dict[str, Any]]) -> set[bytes]:
    # What the response cache keys on besides the caller: the query and sorted variables.
    return {orjson.dumps([b["query"], b["variables"]], option=orjson.OPT_SORT_KEYS) for b in bodies}


def test_every_cold_body_is_distinct_and_they_outnumber_the_cache_three_times() -> None:
    for deep in (False, True):
        bodies = cold_bodies(KEYS, "UXVldWU6MQ", deep, 7, WARM)
        assert len(cache_keys(bodies)) == len(bodies) >= 3 * CACHE_SIZE
        assert not cache_keys(bodies) & cache_keys([WARM])


def test_a_cold_run_with_more_than_one_percent_hits_is_invalid() -> None:
    run = Run(requests=1000, rate=1.0, p50_ms=1, p99_ms=1, cpu_ms_per_request=1, errors=0)
    assert invalid(Run(**{**run.__dict__, "hits": 10}), cold=True) == ""
    assert invalid(Run(**{**run.__dict__, "hits": 11}), cold=True).startswith("INVALID")
    assert invalid(Run(**{**run.__dict__, "hits": 1000}), cold=False) == ""
    assert invalid(Run(**{**run.__dict__, "graphql_errors": 1}), cold=False).startswith("INVALID")
