"""Keyset windows over a Tortoise queryset, shared by every repository."""

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.core.pagination import Keyset, PageRequest

M = TypeVar("M")
MT = TypeVar("MT", bound=Model)


@dataclass(frozen=True, slots=True)
class Ordering:
    """Order rows by `field` (a Tortoise path), then id, both in one direction."""

    field: str
    descending: bool
    # Reads `field` from a row, following relations ("flow_schema__name"): made once,
    # since every row of every page is read with it.
    _value_of: Callable[[Any], Any] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_value_of", attrgetter(self.field.replace("__", ".")))

    def keyset_of(self, row: Any) -> Keyset:
        return Keyset(self._value_of(row), row.pk)

    def after(self, key: Keyset) -> Q:
        return self._beyond(key, "lt" if self.descending else "gt")

    def before(self, key: Keyset) -> Q:
        return self._beyond(key, "gt" if self.descending else "lt")

    def _beyond(self, key: Keyset, op: str) -> Q:
        """Rows whose (field, id) lies strictly beyond the key in direction `op`."""
        past: dict[str, Any] = {f"{self.field}__{op}": key.value}
        tied: dict[str, Any] = {self.field: key.value, f"id__{op}": key.id}
        return Q(**past) | Q(**tied)

    def order_by(self, reverse: bool) -> tuple[str, str]:
        prefix = "-" if self.descending != reverse else ""
        return (f"{prefix}{self.field}", f"{prefix}id")


@dataclass(slots=True)
class Window(Generic[M]):
    rows: list[M]
    has_next: Callable[[], Awaitable[bool]]
    has_previous: Callable[[], Awaitable[bool]]


async def _true() -> bool:
    return True


async def _false() -> bool:
    return False


async def fetch_window(query: QuerySet[MT], ordering: Ordering, page: PageRequest) -> Window[MT]:
    """Fetch one page; the page-info flags run a query only when awaited."""
    bounded = query
    if page.after is not None:
        bounded = bounded.filter(ordering.after(page.after))
    if page.before is not None:
        bounded = bounded.filter(ordering.before(page.before))
    rows = await bounded.order_by(*ordering.order_by(page.from_end)).limit(page.limit + 1)
    return window_of(list(rows), lambda: query, ordering, page)


def window_of(
    fetched: list[M], unbounded: Callable[[], QuerySet[Any]], ordering: Ordering, page: PageRequest
) -> Window[M]:
    """A window from `limit + 1` fetched rows (in query order) and the unbounded query
    (made only if a flag needs it: most pages never ask)."""
    more = len(fetched) > page.limit
    rows = fetched[: page.limit]
    if page.from_end:
        rows.reverse()

    def rows_outside(
        bound: Keyset | None, outside: Callable[[Keyset], Q]
    ) -> Callable[[], Awaitable[bool]]:
        if bound is None:
            return _false
        fixed_bound = bound

        async def exists() -> bool:
            return await unbounded().filter(outside(fixed_bound)).exists()

        return exists

    has_previous: Callable[[], Awaitable[bool]]
    has_next: Callable[[], Awaitable[bool]]
    if page.from_end:
        has_previous = _true if more else _false
        has_next = rows_outside(page.before, lambda key: ~ordering.before(key))
    else:
        has_next = _true if more else _false
        has_previous = rows_outside(page.after, lambda key: ~ordering.after(key))
    return Window(rows=rows, has_next=has_next, has_previous=has_previous)
