"""Live changes of queues' hooks, read once per process and fanned out.

The feed tails the change log per watched queue: when told that queues changed
(by NOTIFY on PostgreSQL, by an in-process signal on SQLite, or by "catch up on
everything" after the LISTEN connection came back), one worker task loads each
watched queue's new entries once and offers them to that queue's watchers.
Each watcher has a bounded buffer; one that falls behind is marked overflowed
and told to resync instead of growing without bound.
"""

import asyncio
import contextlib
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from app.core.signals import changes_committed
from app.models import ChangeKind, QueueHookChange
from app.repositories import changes as change_repo
from app.repositories.rows import HookRow

log = logging.getLogger(__name__)

DRAIN_BATCH = 500
REPLAY_BATCH = 500


@dataclass(frozen=True, slots=True)
class Change:
    queue_id: int
    tenant: str
    revision: int
    kind: ChangeKind
    hook_id: int | None
    hook: HookRow | None
    changed_by: str
    changed_at: datetime

    @classmethod
    def from_row(cls, row: QueueHookChange) -> "Change":
        return cls(
            queue_id=row.queue_id,
            tenant=row.tenant,
            revision=row.revision,
            kind=ChangeKind(row.kind),
            hook_id=row.hook_id,
            hook=HookRow.from_json(row.hook) if row.hook is not None else None,
            changed_by=row.changed_by,
            changed_at=row.created_at,
        )


@dataclass(frozen=True, slots=True)
class ResyncRequired:
    """The client must refetch the list, then subscribe after `current_revision`."""

    current_revision: int
    reason: str


class _Overflow:
    pass


OVERFLOW: Final = _Overflow()


class Watch:
    """One subscriber's bounded buffer of a queue's changes."""

    def __init__(self, queue_id: int, size: int) -> None:
        self.queue_id = queue_id
        self._buffer: asyncio.Queue[Change | _Overflow] = asyncio.Queue(maxsize=size)
        self.overflowed = False

    def offer(self, change: Change) -> None:
        if self.overflowed:
            return
        try:
            self._buffer.put_nowait(change)
        except asyncio.QueueFull:
            self.overflowed = True
            while not self._buffer.empty():  # free the memory now, not when it reads
                self._buffer.get_nowait()
            self._buffer.put_nowait(OVERFLOW)

    async def next(self) -> Change | _Overflow:
        return await self._buffer.get()

    @property
    def pending(self) -> int:
        return self._buffer.qsize()


class Listener(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class ChangeFeed:
    def __init__(self, *, buffer_size: int) -> None:
        self.buffer_size = buffer_size
        self._watchers: dict[int, set[Watch]] = {}
        self._tails: dict[int, int] = {}
        self._dirty: set[int] = set()
        self._wake = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._listener: Listener | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self, listener: Listener | None) -> None:
        """Start tailing; with no listener, hear this process's own commits."""
        self._listener = listener
        if listener is None:
            changes_committed.connect(self.announce)
        else:
            await listener.start()
        self._worker = asyncio.create_task(self._run(), name="change-feed")

    async def stop(self) -> None:
        changes_committed.disconnect(self.announce)
        if self._listener is not None:
            await self._listener.stop()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker

    @property
    def watcher_count(self) -> int:
        return sum(len(w) for w in self._watchers.values())

    def announce(self, queue_ids: Collection[int] | None) -> None:
        """Queues whose log grew (None: maybe any of them)."""
        watched = self._watchers.keys()
        self._dirty |= set(watched) if queue_ids is None else set(queue_ids) & set(watched)
        if self._dirty:
            self._idle.clear()
            self._wake.set()

    async def settled(self) -> None:
        """Wait until every announced change has been offered to its watchers."""
        await self._idle.wait()

    @property
    def buffered(self) -> int:
        """How many changes wait in watchers' buffers, all queues together."""
        return sum(w.pending for ws in self._watchers.values() for w in ws)

    async def watch(self, queue_id: int) -> Watch:
        watch = Watch(queue_id, self.buffer_size)
        self._watchers.setdefault(queue_id, set()).add(watch)
        if queue_id not in self._tails:
            # Read after registering: anything committed later is above this
            # tail and will be drained to the new watcher.
            revision = await change_repo.current_revision(queue_id)
            self._tails.setdefault(queue_id, revision or 0)
            self.announce([queue_id])
        return watch

    def unwatch(self, watch: Watch) -> None:
        watchers = self._watchers.get(watch.queue_id)
        if watchers is None:
            return
        watchers.discard(watch)
        if not watchers:
            del self._watchers[watch.queue_id]
            self._tails.pop(watch.queue_id, None)

    def tail(self, queue_id: int) -> int:
        return self._tails.get(queue_id, 0)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            queues, self._dirty = self._dirty, set()
            for queue_id in sorted(queues):
                try:
                    await self._drain(queue_id)
                except Exception:
                    # The database may be away: keep the queue dirty and retry.
                    log.exception("could not load changes of queue %s; retrying", queue_id)
                    self._dirty.add(queue_id)
                    await asyncio.sleep(0.5)
                    self._wake.set()
            if not self._dirty:
                self._idle.set()

    async def _drain(self, queue_id: int) -> None:
        while queue_id in self._tails:
            rows = await change_repo.after(queue_id, self._tails[queue_id], DRAIN_BATCH)
            if queue_id not in self._tails or not rows:
                return
            watchers = list(self._watchers.get(queue_id, ()))
            for row in rows:
                change = Change.from_row(row)
                for watch in watchers:
                    watch.offer(change)
            self._tails[queue_id] = rows[-1].revision
            if len(rows) < DRAIN_BATCH:
                return


ORPHAN_LOG_AGE = timedelta(hours=1)


async def prune_change_log(keep_per_queue: int) -> int:
    """Keep the newest `keep_per_queue` entries of each queue's log."""
    return await change_repo.prune(keep_per_queue, ORPHAN_LOG_AGE)
