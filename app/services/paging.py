from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.core.pagination import encode_cursor
from app.repositories.keyset import Ordering, Window

M = TypeVar("M")


@dataclass(slots=True)
class Page(Generic[M]):
    """One page of rows; the flags and the total run their query only when awaited."""

    rows: list[M]
    has_next: Callable[[], Awaitable[bool]]
    has_previous: Callable[[], Awaitable[bool]]
    total_count: Callable[[], Awaitable[int]]
    sort: str
    ordering: Ordering
    # The revision of the queue the rows belong to, read no later than they were (the
    # key a response built from them may be cached under); None where there is none.
    revision: int | None = None

    def cursor(self, row: M) -> str:
        return encode_cursor(self.sort, self.ordering.keyset_of(row))


def page_of(
    window: Window[M],
    count: Callable[[], Awaitable[int]],
    sort: str,
    ordering: Ordering,
    revision: int | None = None,
) -> Page[M]:
    return Page(
        rows=window.rows,
        has_next=window.has_next,
        has_previous=window.has_previous,
        total_count=count,
        sort=sort,
        ordering=ordering,
        revision=revision,
    )
