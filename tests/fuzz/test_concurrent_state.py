"""A stateful test: random concurrent batches of writes against a real server.

A hypothesis state machine drives `python -m app serve` (on SQLite and on
PostgreSQL) over HTTP with batches of operations sent all at once: overlapping
bulk removes (within and across queues), queue deletion, creates, enables,
updates with and without expectedVersion, flow schema renames and deletes.
After every step it checks, against the database and against a fresh
`queueHooksChanged(afterRevision: 0)` replay:

- no response is an internal error: every answer is a success or a typed error;
- at most one enabled hook per (queue, event);
- each removed hook has exactly one DELETED change, a live hook none;
- each queue's revision is the number of its changes, numbered 1..revision;
- the trigger-kept counts (queue_hook_count) equal the rows;
- folding a queue's change log gives exactly its stored hooks, and the replay
  over a WebSocket says the same as the log;
- every successful mutation's answer is what was stored (the log's snapshot of
  that hook at that version, the schema's name, the rows that are gone).

Each queue also has subscribers on real WebSockets (graphql-transport-ws); some
stop reading for a while and resume, or reconnect with the last revision they
saw (as they must after a 4429 close). Each must end with every change of its
queue exactly once, in order.

Each example runs as a tenant of its own, so examples share a server and a
database without seeing each other. Budget: tests/fuzzing.py.
"""

import asyncio
import itertools
import json
import threading
import uuid
from collections import Counter
from collections.abc import Awaitable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import httpx
import pytest
import websockets
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from app.core.database import close_database, open_database
from app.graphql.ids import parse_global_id, to_global_id
from app.models import ChangeKind, FlowSchema, Queue, QueueHook, QueueHookChange, QueueHookCount
from tests.fuzzing import budget
from tests.live.servers import Server, running_server, token

T = TypeVar("T")

EVENTS = ["JOINED", "ANSWERED", "OFFERING", "BRIDGED", "MISSED", "LEAVING"]
WAIT_SECONDS = 30.0
# Operation kinds, weighted by repetition: queue and schema deletions end much of
# what the others work on, so they come less often.
OPERATIONS = ["removes", "create", "enable", "update"] * 3 + [
    "delete queue",
    "rename",
    "delete schema",
    "create schema",
]
HOOK = "id event enabled version flowSchema { id name }"
ERROR = "... on Error { code message }"

CREATE_QUEUE = """
mutation($name: String!) {
  createQueue(input: {name: $name, type: INBOUND}) { __typename ... on CreateQueueSuccess { queue { id } } }
}"""
CREATE_SCHEMA = """
mutation($name: String!, $type: FlowSchemaType!) {
  createFlowSchema(input: {name: $name, type: $type}) {
    __typename ... on CreateFlowSchemaSuccess { flowSchema { id } }
  }
}"""
CREATE_HOOK = f"""
mutation($q: ID!, $event: QueueHookEvent!, $s: ID!, $on: Boolean!) {{
  createQueueHook(input: {{queueId: $q, event: $event, flowSchemaId: $s, enabled: $on}}) {{
    __typename ... on CreateQueueHookSuccess {{ hook {{ {HOOK} }} }} {ERROR}
  }}
}}"""
SET_ENABLED = f"""
mutation($id: ID!, $on: Boolean!, $v: Int) {{
  setQueueHookEnabled(id: $id, enabled: $on, expectedVersion: $v) {{
    __typename ... on SetQueueHookEnabledSuccess {{ hook {{ {HOOK} }} }} {ERROR}
  }}
}}"""
UPDATE_HOOK = f"""
mutation($input: UpdateQueueHookInput!) {{
  updateQueueHook(input: $input) {{
    __typename ... on UpdateQueueHookSuccess {{ hook {{ {HOOK} }} }} {ERROR}
  }}
}}"""
DELETE_HOOKS = f"""
mutation($ids: [ID!]!) {{
  deleteQueueHooks(ids: $ids) {{
    __typename ... on DeleteQueueHooksSuccess {{ deletedIds }} {ERROR}
  }}
}}"""
DELETE_QUEUE = f"""
mutation($id: ID!) {{
  deleteQueue(id: $id) {{
    __typename ... on DeleteQueueSuccess {{ deletedId deletedHookIds }} {ERROR}
  }}
}}"""
RENAME_SCHEMA = f"""
mutation($id: ID!, $name: String!) {{
  renameFlowSchema(id: $id, name: $name) {{
    __typename ... on RenameFlowSchemaSuccess {{ flowSchema {{ id name }} }} {ERROR}
  }}
}}"""
DELETE_SCHEMA = f"""
mutation($id: ID!) {{
  deleteFlowSchema(id: $id) {{ __typename ... on DeleteFlowSchemaSuccess {{ deletedId }} {ERROR}
  }}
}}"""
CHANGES = f"""
subscription($q: ID!, $after: Int) {{
  queueHooksChanged(queueId: $q, afterRevision: $after) {{
    __typename
    ... on QueueHookChange {{ revision kind hookId hook {{ {HOOK} }} }}
    ... on QueueHooksResyncRequired {{ currentRevision reason }}
  }}
}}"""


def hook_gid(pk: int) -> str:
    return to_global_id("QueueHook", pk)


def queue_gid(pk: int) -> str:
    return to_global_id("Queue", pk)


def schema_gid(pk: int) -> str:
    return to_global_id("FlowSchema", pk)


class Loop:
    """An event loop in a thread of its own: the state machine's rules are plain
    functions, the server is driven with asyncio clients that outlive each rule."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass
class Answer:
    field: str
    variables: dict[str, Any]
    body: dict[str, Any]

    @property
    def result(self) -> dict[str, Any]:
        data = self.body.get("data") or {}
        found: dict[str, Any] = data.get(self.field) or {}
        return found

    @property
    def succeeded(self) -> bool:
        return str(self.result.get("__typename", "")).endswith("Success")


class Api:
    def __init__(self, server: Server, tenant: str) -> None:
        self.server = server
        self.bearer = token(tenant=tenant)
        self.client = httpx.AsyncClient(timeout=WAIT_SECONDS)

    async def call(self, name: str, query: str, variables: dict[str, Any]) -> Answer:
        response = await self.client.post(
            self.server.http,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.bearer}"},
        )
        assert response.status_code == 200, response.text
        answer = Answer(name, variables, response.json())
        # Never an internal error: a success or one of the mutation's typed errors.
        assert "errors" not in answer.body, (name, variables, answer.body)
        assert answer.result["__typename"].endswith(("Success", "Error")), answer.body
        return answer


@dataclass(eq=False)
class Watcher:
    """A subscriber to one queue's changes, from revision 0, that may stop reading
    for a while or reconnect with the last revision it saw."""

    server: Server
    bearer: str
    queue: int
    events: list[dict[str, Any]] = field(default_factory=list)
    completed: bool = False
    reading: asyncio.Event = field(default_factory=asyncio.Event)
    moved: asyncio.Condition = field(default_factory=asyncio.Condition)
    reconnects: int = 0
    problems: list[str] = field(default_factory=list)
    connection: ClientConnection | None = None
    task: asyncio.Task[None] | None = None

    @property
    def last(self) -> int:
        return int(self.events[-1]["revision"]) if self.events else 0

    async def start(self) -> None:
        self.reading.set()
        await self._subscribe()
        self.task = asyncio.create_task(self._read())

    async def _subscribe(self) -> None:
        self.connection = await websockets.connect(
            self.server.ws, subprotocols=[Subprotocol("graphql-transport-ws")]
        )
        await self.connection.send(
            json.dumps(
                {"type": "connection_init", "payload": {"Authorization": f"Bearer {self.bearer}"}}
            )
        )
        ack = json.loads(await self.connection.recv())
        assert ack == {"type": "connection_ack"}, ack
        variables = {"q": queue_gid(self.queue), "after": self.last}
        await self.connection.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": CHANGES, "variables": variables},
                }
            )
        )

    async def reconnect(self) -> None:
        """Hang up and resubscribe from the last revision seen."""
        assert self.task is not None
        self.task.cancel()
        with_cancel = asyncio.gather(self.task, return_exceptions=True)
        await with_cancel
        if self.connection is not None:
            await self.connection.close()
        self.reconnects += 1
        await self._subscribe()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while not self.completed:
            await self.reading.wait()
            assert self.connection is not None
            try:
                message = json.loads(await self.connection.recv())
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                if code != 4429:
                    self.problems.append(f"closed with {code}")
                    await self._moved()
                    return
                # Too slow: do as told and resume from the last revision seen.
                self.reconnects += 1
                await self._subscribe()
                continue
            if message["type"] == "complete":
                self.completed = True
            elif message["type"] == "next":
                event = message["payload"]["data"]["queueHooksChanged"]
                if event["__typename"] != "QueueHookChange":
                    self.problems.append(f"unexpected {event}")
                else:
                    self.events.append(event)
            else:
                self.problems.append(f"unexpected {message}")
            await self._moved()
        await self.close()

    async def _moved(self) -> None:
        async with self.moved:
            self.moved.notify_all()

    async def until(self, revision: int, deleted: bool) -> None:
        """Wait until it has seen `revision` (and, for a deleted queue, the end)."""

        def arrived() -> bool:
            return bool(self.problems) or (self.completed if deleted else self.last >= revision)

        async with asyncio.timeout(WAIT_SECONDS), self.moved:
            await self.moved.wait_for(arrived)

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()


@dataclass
class Stored:
    """What the database holds for one tenant."""

    queues: dict[int, int]  # id -> revision
    hooks: dict[int, QueueHook]
    schemas: dict[int, FlowSchema]
    changes: dict[int, list[QueueHookChange]]  # queue id -> its log in revision order
    counts: Counter[tuple[int, str, bool]]


async def stored(tenant: str) -> Stored:
    queues = {q.pk: q.revision for q in await Queue.filter(tenant=tenant)}
    hooks = {
        h.pk: h for h in await QueueHook.filter(queue__tenant=tenant).select_related("flow_schema")
    }
    schemas = {s.pk: s for s in await FlowSchema.filter(tenant=tenant)}
    changes: dict[int, list[QueueHookChange]] = {}
    for change in await QueueHookChange.filter(tenant=tenant).order_by("queue_id", "revision"):
        changes.setdefault(change.queue_id, []).append(change)
    counts: Counter[tuple[int, str, bool]] = Counter()
    for row in await QueueHookCount.filter(queue__tenant=tenant):
        counts[(row.queue_id, str(row.event), bool(row.enabled))] += row.count
    return Stored(queues, hooks, schemas, changes, +counts)


def as_answered(hook: dict[str, Any]) -> tuple[Any, ...]:
    """A hook as the API shows it (from an answer or a replayed change)."""
    return (
        hook["id"],
        hook["event"],
        hook["enabled"],
        hook["version"],
        hook["flowSchema"]["id"],
        hook["flowSchema"]["name"],
    )


def as_logged(snapshot: dict[str, Any]) -> tuple[Any, ...]:
    """A change log snapshot in the same shape."""
    return (
        hook_gid(snapshot["id"]),
        snapshot["event"].upper(),
        snapshot["enabled"],
        snapshot["version"],
        schema_gid(snapshot["schema"]["id"]),
        snapshot["schema"]["name"],
    )


def as_stored(hook: QueueHook) -> tuple[Any, ...]:
    return (
        hook_gid(hook.pk),
        str(hook.event).upper(),
        bool(hook.enabled),
        hook.version,
        schema_gid(hook.flow_schema_id),
        hook.flow_schema.name,
    )


class Harness:
    """What outlives one example: the loop, the server, the database connection."""

    def __init__(self, server: Server, database_url: str) -> None:
        self.server = server
        self.tried: Counter[str] = Counter()
        self.loop = Loop()
        self.loop.run(open_database(database_url))

    def close(self) -> None:
        self.loop.run(close_database())
        self.loop.close()


class ConcurrentWrites(RuleBasedStateMachine):
    harness: ClassVar[Harness]

    def __init__(self) -> None:
        super().__init__()
        self.tenant = f"fuzz-{uuid.uuid4().hex[:12]}"
        self.api = self.harness.loop.run(self._api())
        self.queues: list[int] = []
        self.schemas: list[int] = []
        self.hooks: list[int] = []
        self.versions: dict[int, int] = {}
        self.alive_queues: set[int] = set()
        self.alive_hooks: set[int] = set()
        self.alive_schemas: set[int] = set()
        self.hook_schemas: list[int] = []  # of a type hooks may use
        self.watchers: list[Watcher] = []
        self.names = itertools.count()
        self.answers: list[Answer] = []

    async def _api(self) -> Api:
        return Api(self.harness.server, self.tenant)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.harness.loop.run(coroutine)

    # Setting the scene: two queues with hooks, schemas of hook and non-hook types.

    @initialize()
    def scene(self) -> None:
        self.run(self._scene())

    async def _scene(self) -> None:
        for schema_type in ("SERVICE", "DEFAULT", "SERVICE", "VOICE"):
            variables = {"name": f"schema {next(self.names)}", "type": schema_type}
            await self._record(await self.api.call("createFlowSchema", CREATE_SCHEMA, variables))
        for _ in range(2):
            await self._add_queue()

    async def _add_queue(self) -> None:
        answer = await self.api.call("createQueue", CREATE_QUEUE, {"name": f"q{next(self.names)}"})
        queue = self._pk(answer.result["queue"]["id"])
        self.queues.append(queue)
        # A steady subscriber and one that will stall and reconnect, from the start.
        for _ in range(2):
            watcher = Watcher(self.harness.server, self.api.bearer, queue)
            await watcher.start()
            self.watchers.append(watcher)
        schemas = [s for s in self.hook_schemas if s in self.alive_schemas] or self.hook_schemas
        for n, event in enumerate(EVENTS[:4] * 2):
            await self._record(
                await self.api.call(
                    "createQueueHook",
                    CREATE_HOOK,
                    {
                        "q": queue_gid(queue),
                        "event": event,
                        "s": schema_gid(schemas[n % len(schemas)]),
                        "on": n < 4,
                    },
                )
            )

    @staticmethod
    def _pk(global_id: str) -> int:
        return parse_global_id(global_id)[1]

    async def _record(self, answer: Answer) -> None:
        self.answers.append(answer)
        if answer.succeeded and answer.field == "createFlowSchema":
            schema = self._pk(answer.result["flowSchema"]["id"])
            self.schemas.append(schema)
            if answer.variables["type"] != "VOICE":
                self.hook_schemas.append(schema)
        hook = answer.result.get("hook")
        if answer.succeeded and hook is not None:
            pk = self._pk(hook["id"])
            if pk not in self.versions:
                self.hooks.append(pk)
            self.versions[pk] = hook["version"]

    # The steps.

    @rule(data=st.data())
    def concurrent_batch(self, data: st.DataObject) -> None:
        operations: list[tuple[str, str, dict[str, Any]]] = []
        size = data.draw(st.integers(2, 8), label="batch size")
        while len(operations) < size:
            operations += data.draw(self._operation(), label="operation")
        self.run(self._batch(operations))

    async def _batch(self, operations: list[tuple[str, str, dict[str, Any]]]) -> None:
        calls: list[Awaitable[Answer]] = [
            self.api.call(name, query, variables) for name, query, variables in operations
        ]
        answers = await asyncio.gather(*calls)
        self.harness.tried.update(f"{a.field}: {a.result['__typename']}" for a in answers)
        self.harness.tried["concurrent batches"] += 1
        for answer in answers:
            await self._record(answer)
        await self._check_answers(answers)

    @st.composite
    def _operation(
        draw: st.DrawFn, self: "ConcurrentWrites"
    ) -> list[tuple[str, str, dict[str, Any]]]:
        # What exists depends on how earlier concurrent batches went, so every draw is
        # of a fixed shape (an index, later taken modulo a list's length): hypothesis
        # needs the same draws to replay an example.
        def index() -> int:
            return draw(st.integers(0, 2**16))

        def pick(alive: set[int], known: list[int]) -> int:
            # Mostly what exists, sometimes what is gone.
            pool = sorted(alive) if draw(st.integers(0, 9)) > 0 and alive else known
            return pool[index() % len(pool)]

        hooks = sorted(self.alive_hooks) or sorted(self.hooks)
        kind = draw(st.sampled_from(OPERATIONS))
        if kind == "removes":
            # Overlapping windows over the hooks in id order: some span two queues.
            start = index() % len(hooks)
            size = draw(st.integers(1, 6))
            removes = []
            for shift in draw(st.lists(st.integers(-3, 3), min_size=1, max_size=3)):
                first = min(max(start + shift, 0), len(hooks) - 1)
                ids = [hook_gid(h) for h in hooks[first : first + size]]
                removes.append(("deleteQueueHooks", DELETE_HOOKS, {"ids": ids}))
            return removes
        if kind == "delete queue":
            queue = pick(self.alive_queues, self.queues)
            return [("deleteQueue", DELETE_QUEUE, {"id": queue_gid(queue)})]
        if kind == "create":
            variables = {
                "q": queue_gid(pick(self.alive_queues, self.queues)),
                "event": draw(st.sampled_from(EVENTS)),
                "s": schema_gid(pick(self.alive_schemas, self.schemas)),
                "on": draw(st.booleans()),
            }
            return [("createQueueHook", CREATE_HOOK, variables)]
        if kind == "create schema":
            variables = {
                "name": f"schema {next(self.names)}",
                "type": draw(st.sampled_from(["SERVICE", "DEFAULT", "VOICE"])),
            }
            return [("createFlowSchema", CREATE_SCHEMA, variables)]
        if kind == "rename":
            schema = pick(self.alive_schemas, self.schemas)
            name = f"renamed {next(self.names)}"
            return [("renameFlowSchema", RENAME_SCHEMA, {"id": schema_gid(schema), "name": name})]
        if kind == "delete schema":
            schema = pick(self.alive_schemas, self.schemas)
            return [("deleteFlowSchema", DELETE_SCHEMA, {"id": schema_gid(schema)})]
        hook = pick(self.alive_hooks, self.hooks)
        # The version last seen (possibly stale by now), a wrong one, or none.
        version = [self.versions[hook], self.versions[hook] + 1, None][draw(st.integers(0, 2))]
        if kind == "enable":
            variables = {"id": hook_gid(hook), "on": draw(st.booleans()), "v": version}
            return [("setQueueHookEnabled", SET_ENABLED, variables)]
        update: dict[str, Any] = {"id": hook_gid(hook), "expectedVersion": version}
        if draw(st.booleans()):
            update["event"] = draw(st.sampled_from(EVENTS))
        if draw(st.booleans()):
            update["flowSchemaId"] = schema_gid(pick(self.alive_schemas, self.schemas))
        if draw(st.booleans()):
            update["enabled"] = draw(st.booleans())
        return [("updateQueueHook", UPDATE_HOOK, {"input": update})]

    @precondition(lambda self: len(self.queues) < 5)  # not what exists: see _operation
    @rule()
    def add_queue(self) -> None:
        self.run(self._add_queue())

    @rule(action=st.sampled_from(["stall", "resume", "reconnect"]), which=st.integers(0, 99))
    def disturb_a_subscriber(self, action: str, which: int) -> None:
        # Every other watcher is steady; the rest are the ones disturbed.
        disturbed = self.watchers[1::2]
        watcher = disturbed[which % len(disturbed)]
        self.harness.tried[f"subscriber {action}"] += 1
        if action == "stall":
            self.harness.loop.loop.call_soon_threadsafe(watcher.reading.clear)
        elif action == "resume":
            self.harness.loop.loop.call_soon_threadsafe(watcher.reading.set)
        else:
            self.run(self._reconnect(watcher))

    @staticmethod
    async def _reconnect(watcher: Watcher) -> None:
        if await Queue.exists(id=watcher.queue):
            await watcher.reconnect()

    # What must hold after every step.

    @invariant()
    def database_and_replay_agree(self) -> None:
        self.run(self._check_state())

    async def _check_state(self) -> None:
        now = await stored(self.tenant)
        self.alive_queues, self.alive_hooks = set(now.queues), set(now.hooks)
        self.alive_schemas = set(now.schemas)
        enabled = Counter((h.queue_id, str(h.event)) for h in now.hooks.values() if h.enabled)
        assert max(enabled.values(), default=0) <= 1, enabled
        rows: Counter[tuple[int, str, bool]] = Counter(
            (h.queue_id, str(h.event), bool(h.enabled)) for h in now.hooks.values()
        )
        assert now.counts == rows
        deleted = Counter(
            c.hook_id for log in now.changes.values() for c in log if c.kind == ChangeKind.DELETED
        )
        assert max(deleted.values(), default=0) <= 1, deleted
        for hook in self.hooks:
            assert deleted[hook] == (0 if hook in now.hooks else 1), hook
        for queue, revision in now.queues.items():
            log = now.changes.get(queue, [])
            assert [c.revision for c in log] == list(range(1, revision + 1)), queue
            assert self._fold(log) == {
                hook_gid(h.pk): as_stored(h) for h in now.hooks.values() if h.queue_id == queue
            }
            assert await self._replayed(queue, revision) == self._seen_in(log)
        for queue in set(self.queues) - set(now.queues):
            log = now.changes.get(queue, [])
            assert [c.revision for c in log] == list(range(1, len(log) + 1)), queue
            assert log[-1].kind == ChangeKind.QUEUE_DELETED
            assert self._fold(log) == {}
        await self._check_watchers(now)

    @staticmethod
    def _fold(log: list[QueueHookChange]) -> dict[str, tuple[Any, ...]]:
        hooks: dict[str, tuple[Any, ...]] = {}
        for change in log:
            if change.kind in (ChangeKind.CREATED, ChangeKind.UPDATED):
                hooks[hook_gid(change.hook_id or 0)] = as_logged(change.hook)
            elif change.kind == ChangeKind.DELETED:
                hooks.pop(hook_gid(change.hook_id or 0))
        return hooks

    @staticmethod
    def _seen_in(log: list[QueueHookChange]) -> list[tuple[Any, ...]]:
        """What a subscriber must see of a log: each change but the queue's end."""
        return [
            (c.revision, str(c.kind).upper(), hook_gid(c.hook_id or 0))
            + (as_logged(c.hook) if c.kind != ChangeKind.DELETED else ())
            for c in log
            if c.kind != ChangeKind.QUEUE_DELETED
        ]

    @staticmethod
    def _as_seen(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        # A removal is compared by id only: what it carries of the hook is not ours to check.
        return [
            (e["revision"], e["kind"], e["hookId"])
            + (as_answered(e["hook"]) if e["kind"] != "DELETED" else ())
            for e in events
        ]

    async def _replayed(self, queue: int, revision: int) -> list[tuple[Any, ...]]:
        replay = Watcher(self.harness.server, self.api.bearer, queue)
        await replay.start()
        try:
            await replay.until(revision, deleted=False)
        finally:
            assert replay.task is not None
            replay.task.cancel()
            await replay.close()
        assert replay.problems == []
        return self._as_seen(replay.events)

    async def _check_watchers(self, now: Stored) -> None:
        for watcher in self.watchers:
            if not watcher.reading.is_set():
                continue
            deleted = watcher.queue not in now.queues
            log = now.changes.get(watcher.queue, [])
            await watcher.until(len(log), deleted)
            assert watcher.problems == []
            # Every change exactly once, in order, whatever the stalls and reconnects.
            assert self._as_seen(watcher.events) == self._seen_in(log)

    async def _check_answers(self, answers: list[Answer]) -> None:
        now = await stored(self.tenant)
        snapshots: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
        for log in now.changes.values():
            for change in log:
                if change.kind in (ChangeKind.CREATED, ChangeKind.UPDATED):
                    snapshot = as_logged(change.hook)
                    snapshots.setdefault((snapshot[0], snapshot[3]), []).append(snapshot)
        renamed: dict[str, set[str]] = {}
        for answer in answers:
            result = answer.result
            if not answer.succeeded:
                continue
            if "hook" in result:
                hook = as_answered(result["hook"])
                assert hook in snapshots.get((hook[0], hook[3]), []), (answer, snapshots)
            elif answer.field == "deleteQueueHooks":
                for hook_id in result["deletedIds"]:
                    assert self._pk(hook_id) not in now.hooks
            elif answer.field == "deleteQueue":
                queue = self._pk(result["deletedId"])
                assert queue not in now.queues
                gone = {c.hook_id for c in now.changes[queue] if c.kind == ChangeKind.DELETED}
                assert {self._pk(h) for h in result["deletedHookIds"]} <= gone
            elif answer.field == "renameFlowSchema":
                schema = result["flowSchema"]
                renamed.setdefault(schema["id"], set()).add(schema["name"])
            elif answer.field == "deleteFlowSchema":
                assert self._pk(result["deletedId"]) not in now.schemas
        for schema_id, names in renamed.items():
            schema = now.schemas.get(self._pk(schema_id))
            assert schema is None or schema.name in names, (schema_id, names)

    def teardown(self) -> None:
        self.run(self._finish())

    async def _finish(self) -> None:
        try:
            for watcher in self.watchers:
                watcher.reading.set()
            now = await stored(self.tenant)
            await self._check_watchers(now)
        finally:
            for watcher in self.watchers:
                if watcher.task is not None:
                    watcher.task.cancel()
                await watcher.close()
            await self.api.client.aclose()


@pytest.fixture
def harness(database_url: str) -> Iterator[Harness]:
    with running_server(database_url, RATE_LIMIT_PER_SECOND="0") as server:
        harness = Harness(server, database_url)
        try:
            yield harness
        finally:
            harness.close()


def test_concurrent_operations_keep_every_invariant(harness: Harness) -> None:
    ConcurrentWrites.harness = harness
    try:
        # About 6.7 concurrent batches per example (measured): `fuzz` runs about 500.
        run_state_machine_as_test(
            ConcurrentWrites, settings=budget(test=18, fuzz=75, stateful_step_count=20)
        )
    finally:
        print("tried:", dict(sorted(harness.tried.items())))
