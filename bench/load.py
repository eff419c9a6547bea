"""Driving wrk and reading what processes spent."""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import orjson

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    errors: int


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk is needed: `apt-get install wrk` (Debian's package; `make bench` does it as root)"
        )
    return found


def lua_script(bodies: list[dict[str, object]], token: str) -> Path:
    """A wrk script that POSTs the bodies in turn."""
    encoded = ",\n".join(_lua_string(orjson.dumps(b).decode()) for b in bodies)
    script = f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/graphql-response+json"
wrk.headers["Authorization"] = "Bearer {token}"
local bodies = {{
{encoded}
}}
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
"""
    handle, path = tempfile.mkstemp(suffix=".lua")
    with os.fdopen(handle, "w") as file:
        file.write(script)
    return Path(path)


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU of a process and all its descendants."""
    total = 0
    for pid in _tree(root_pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def rss_bytes(root_pid: int) -> int:
    total = 0
    for pid in _tree(root_pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            total += int(match.group(1)) * 1024
    return total


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            parents[int(entry.name)] = int(fields[1])
    found = [root]
    for pid in found:
        found += [child for child, parent in parents.items() if parent == pid]
    return found


def wrk(url: str, script: Path, connections: int, seconds: float, server_pid: int) -> Run:
    before = cpu_seconds(server_pid)
    done = subprocess.run(
        [
            require_wrk(),
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    spent = cpu_seconds(server_pid) - before
    out = done.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    return Run(
        requests=requests,
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_latency(out, "50%"),
        p99_ms=_latency(out, "99%"),
        cpu_ms_per_request=spent * 1000 / max(requests, 1),
        errors=errors,
    )


def _latency(out: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
