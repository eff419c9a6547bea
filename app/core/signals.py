"""In-process announcement that a transaction with change-log entries committed.

The embedded (SQLite) change feed listens here; on PostgreSQL, NOTIFY does this
job across replicas, and nothing needs to listen here.
"""

from collections.abc import Callable, Collection

Receiver = Callable[[Collection[int]], None]


class CommitSignal:
    def __init__(self) -> None:
        self._receivers: list[Receiver] = []

    def connect(self, receiver: Receiver) -> None:
        self._receivers.append(receiver)

    def disconnect(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def send(self, queue_ids: Collection[int]) -> None:
        for receiver in list(self._receivers):
            receiver(queue_ids)


changes_committed = CommitSignal()
