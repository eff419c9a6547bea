"""Keyset pagination: page arguments and opaque cursors.

A cursor holds the sort key of a row (the ordered value and the id), so a page
continues after that row whatever was inserted or removed elsewhere.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from app.core.errors import InvalidInput

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

SortValue = str | int | bool | datetime


@dataclass(frozen=True, slots=True)
class Keyset:
    value: SortValue
    id: int


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A validated window: `limit` rows after `after` and before `before`.

    `from_end` means the window is taken from the end (`last`), so the query runs
    in reverse order and the rows are flipped back afterwards.
    """

    limit: int
    after: Keyset | None
    before: Keyset | None
    from_end: bool


def page_request(
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    sort: str,
) -> PageRequest:
    """Validate Relay page arguments; raises InvalidInput."""
    if first is not None and last is not None:
        raise InvalidInput("first", "pass either first or last, not both")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
            raise InvalidInput(name, f"{name} must be between 0 and {MAX_PAGE_SIZE}, got {size}")
    from_end = last is not None
    limit = last if last is not None else first if first is not None else DEFAULT_PAGE_SIZE
    return PageRequest(
        limit=limit,
        after=decode_cursor(after, sort, "after") if after is not None else None,
        before=decode_cursor(before, sort, "before") if before is not None else None,
        from_end=from_end,
    )


def encode_cursor(sort: str, keyset: Keyset) -> str:
    value: Any = keyset.value
    if isinstance(value, datetime):
        value = {"t": value.isoformat()}
    raw = orjson.dumps([sort, value, keyset.id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, argument: str) -> Keyset:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        cursor_sort, value, row_id = orjson.loads(base64.urlsafe_b64decode(padded))
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["t"])
    except (ValueError, TypeError, KeyError, binascii.Error, orjson.JSONDecodeError) as error:
        raise InvalidInput(argument, f"{argument} is not a cursor this server issued") from error
    if cursor_sort != sort:
        raise InvalidInput(argument, f"{argument} is a cursor for another sort order")
    if not isinstance(row_id, int) or not isinstance(value, str | int | bool | datetime):
        raise InvalidInput(argument, f"{argument} is not a cursor this server issued")
    return Keyset(value=value, id=row_id)
