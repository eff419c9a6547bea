"""Driving wrk and reading what processes spent."""

import contextlib
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
    # Answers marked `X-Response-Cache: hit`, and 200 answers carrying GraphQL errors
    # (a fast error is not a page): counted by the script in every answer.
    hits: int = 0
    graphql_errors: int = 0
    # PostgreSQL backends' CPU for the benchmark's database, per request.
    db_cpu_ms_per_request: float = 0.0
    max_ms: float = float("nan")
    # Where a run going on from this one starts: the bodies this one sent, in flight
    # at the end included.
    next_body: int = 0


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk is needed: `apt-get install wrk` (Debian's package; `make bench` does it as root)"
        )
    return found


def lua_script(bodies: list[dict[str, object]], token: str) -> Path:
    """A wrk script that POSTs the bodies in turn, starting at the body given after
    `--` (so a run can go on where the last one stopped), and counts the answers that
    a response cache served and those that carry GraphQL errors."""
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
sent = 0
hits = 0
graphql_errors = 0
local threads = {{}}
setup = function(thread)
  table.insert(threads, thread)
end
init = function(args)
  sent = tonumber(args[1] or "0")
  i = sent % #bodies
end
request = function()
  sent = sent + 1
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
response = function(status, headers, body)
  local cache = headers["x-response-cache"] or headers["X-Response-Cache"]
  if cache == "hit" then hits = hits + 1 end
  if status == 200 and string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end
done = function(summary, latency, requests)
  local h, e, n = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    e = e + thread:get("graphql_errors")
    n = n + thread:get("sent")
  end
  io.write(string.format("counted: hits %d graphql_errors %d sent %d\\n", h, e, n))
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
    return sum(_cpu(pid) for pid in _tree(root_pid)) / TICKS


# A backend: its pid and its start time (clock ticks after boot), so that a pid the
# kernel hands to a new process later is another backend.
Backend = tuple[int, int]


def database_cpu_ticks(database: str) -> dict[Backend, int]:
    """User + system CPU, in clock ticks, of each PostgreSQL backend connected to
    `database` (their titles read `postgres: [cluster: ]user database host(port)
    state`): other databases' clients on the same server are not counted."""
    found: dict[Backend, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if not (title.startswith("postgres:") and f" {database} " in title):
            continue
        if (fields := _stat(int(entry.name))) is not None:
            found[(int(entry.name), int(fields[19]))] = int(fields[11]) + int(fields[12])
    return found


def database_cpu_spent(before: dict[Backend, int], after: dict[Backend, int]) -> float:
    """Seconds the backends spent between two readings, each backend against its own
    earlier reading (none: it started in between). A backend that exited in between
    (say another server's idle pool connection) drops out, instead of taking its whole
    past CPU off the sum, which read as negative figures; what it spent between the
    readings is lost with it (it is gone from /proc), so a figure can be low, never
    negative."""
    return sum(now - before.get(backend, 0) for backend, now in after.items()) / TICKS


def database_connections(root_pid: int, port: int = 5432) -> int:
    """TCP connections from a process tree to the database port, open now."""
    remote = f":{port:04X}"
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[2].endswith(remote) and fields[3] == "01":  # ESTABLISHED
                    inodes.add(fields[9])
    found = 0
    for pid in _tree(root_pid):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, PermissionError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(FileNotFoundError, OSError):
                    link = os.readlink(fd)
                    if link.startswith("socket:[") and link[8:-1] in inodes:
                        found += 1
    return found


def _cpu(pid: int) -> int:
    fields = _stat(pid)
    return 0 if fields is None else int(fields[11]) + int(fields[12])


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name (utime is [11], stime [12],
    the start time [19]); None when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


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


def wrk(
    url: str,
    script: Path,
    connections: int,
    seconds: float,
    server_pid: int,
    *,
    start: int = 0,
    database: str | None = None,
) -> Run:
    """One wrk run (one thread). `start`: the body to begin with; `database`: the
    database whose backends' CPU is counted."""
    before, db_before = cpu_seconds(server_pid), _database_cpu(database)
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
            "--",
            str(start),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    spent = cpu_seconds(server_pid) - before
    db_spent = database_cpu_spent(db_before, _database_cpu(database))
    out = done.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]  # wrk always prints it; a crash here is the message
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    counted = re.search(r"counted: hits (\d+) graphql_errors (\d+) sent (\d+)", out)
    return Run(
        requests=requests,
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]  # wrk always prints it; a crash here is the message
        p50_ms=_latency(out, "50%"),
        p99_ms=_latency(out, "99%"),
        cpu_ms_per_request=spent * 1000 / max(requests, 1),
        errors=errors,
        hits=int(counted.group(1)) if counted else 0,
        graphql_errors=int(counted.group(2)) if counted else 0,
        db_cpu_ms_per_request=db_spent * 1000 / max(requests, 1),
        max_ms=_max_latency(out),
        next_body=int(counted.group(3)) if counted else start + requests + connections,
    )


def _database_cpu(database: str | None) -> dict[Backend, int]:
    return database_cpu_ticks(database) if database is not None else {}


def _max_latency(out: str) -> float:
    match = re.search(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)\s", out, re.M)
    return _ms(float(match.group(1)), match.group(2)) if match else float("nan")


def _ms(value: float, unit: str) -> float:
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _latency(out: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if match is None:
        return float("nan")
    return _ms(float(match.group(1)), match.group(2))
