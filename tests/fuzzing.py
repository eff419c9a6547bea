"""How many examples the generated and stateful tests try.

`make test` replays a small, fixed (derandomized) set, so that a red run is a
change's fault, never the luck of the draw. `make fuzz` sets HOOKS_FUZZ=1: a
large budget with a fresh seed, and on failure hypothesis prints the
`@reproduce_failure(...)` line that replays it.
"""

import os
from typing import Any

from hypothesis import HealthCheck, settings

FUZZING = os.environ.get("HOOKS_FUZZ", "") == "1"
SLOW_IS_FINE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def budget(*, test: int, fuzz: int, **options: Any) -> settings:
    """Hypothesis settings: `test` examples in `make test`, `fuzz` in `make fuzz`.

    The fuzz figure can be overridden with FUZZ_EXAMPLES (a multiplier is awkward
    for tests of different cost, so each test names its own default)."""
    if FUZZING:
        return settings(
            max_examples=int(os.environ.get("FUZZ_EXAMPLES", fuzz)),
            derandomize=False,
            database=None,
            print_blob=True,
            deadline=None,
            suppress_health_check=SLOW_IS_FINE,
            **options,
        )
    return settings(
        max_examples=test,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=SLOW_IS_FINE,
        **options,
    )
