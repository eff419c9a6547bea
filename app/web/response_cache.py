"""A cache of whole responses to identical registry reads, checked against the
queue's revision on every request.

Only a query whose one root field is `queueHooks(queueId: ...)` qualifies, and
its selection must not reach the queue itself (a rename does not move the
revision). Everything such a response shows moves the queue's revision when it
changes: hook writes log changes, and a flow schema rename logs an update of
each hook that runs it. A request that finds an entry reads the revision (a
primary-key lookup) before using it, so a read that follows a committed write,
on any replica, misses and sees the write: strong consistency, not a TTL. An
answer is stored under a revision read no later than what it shows.
"""

from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
)

from app.core.identity import Principal
from app.web.documents import parsed, request_key, single_root_field


@dataclass(frozen=True, slots=True)
class CacheableQuery:
    """Where a cacheable document takes its queue id from."""

    variable: str | None
    literal: str | None

    def queue_id(self, variables: dict[str, Any] | None) -> str | None:
        if self.literal is not None:
            return self.literal
        value = (variables or {}).get(self.variable or "")
        return value if isinstance(value, str) else None


@lru_cache(maxsize=1024)
def cacheable(query: str, operation_name: str | None) -> CacheableQuery | None:
    """How to cache this document's responses, or None if they may not be cached."""
    document = parsed(query)
    if document is None:
        return None
    root = single_root_field(document, operation_name, OperationType.QUERY, "queueHooks")
    if root is None or not _safe(root.selection_set):
        return None
    for argument in root.arguments or ():
        if argument.name.value == "queueId":
            if isinstance(argument.value, VariableNode):
                return CacheableQuery(variable=argument.value.name.value, literal=None)
            if isinstance(argument.value, StringValueNode):
                return CacheableQuery(variable=None, literal=argument.value.value)
    return None


def _safe(selection_set: SelectionSetNode | None) -> bool:
    """No `queue` field and no named fragments anywhere below."""
    if selection_set is None:
        return True
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            return False
        if isinstance(selection, FieldNode) and selection.name.value == "queue":
            return False
        if isinstance(selection, FieldNode | InlineFragmentNode) and not _safe(
            selection.selection_set
        ):
            return False
    return True


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    revision: int
    body: bytes


class ResponseCache:
    """The last answer to each distinct request, with the queue revision it shows.

    Keyed without the revision, so a request with no entry is known to miss before
    anything is read: it needs no revision read of its own, and its page can bring the
    revision it was read at (app/web/page_plans.py)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], CachedAnswer] = OrderedDict()

    @staticmethod
    def key(
        principal: Principal,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        media_type: str,
    ) -> tuple[Any, ...]:
        return (*request_key(principal, query, operation_name, variables), media_type)

    def get(self, key: tuple[Any, ...]) -> CachedAnswer | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], revision: int, body: bytes) -> None:
        found = self._entries.get(key)
        if found is not None and found.revision > revision:
            return  # a slower request read earlier: keep the newer answer
        self._entries[key] = CachedAnswer(revision, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
