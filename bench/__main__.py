"""`make bench`: every benchmark in turn, each printing its table with the machine."""

import subprocess
import sys
import time

PARTS = [
    ("registry page query", ["-m", "bench.registry"]),
    ("fan-out", ["-m", "bench.fanout"]),
    ("mutation storm", ["-m", "bench.storm"]),
    ("cross-replica delivery, back to back", ["-m", "bench.delivery", "--changes", "200"]),
    (
        "cross-replica delivery, 100/s",
        ["-m", "bench.delivery", "--changes", "200", "--rate", "100"],
    ),
    (
        "cross-replica delivery, 100/s, 100 subscribers",
        ["-m", "bench.delivery", "--changes", "200", "--rate", "100", "--subscribers", "100"],
    ),
]


def main() -> int:
    started = time.monotonic()
    for title, args in PARTS:
        print(f"\n=== {title} ===", flush=True)
        done = subprocess.run([sys.executable, *args], check=False)
        if done.returncode != 0:
            print(f"{title} failed with exit code {done.returncode}")
            return done.returncode
    print(f"\nall benchmarks ran in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
