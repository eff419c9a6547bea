"""Keyset pagination: page arguments and opaque cursors.

A cursor holds the sort key of a row (the ordered value and the id), so a page
continues after that row whatever was inserted or removed elsewhere.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any, NamedTuple

import orjson

from app.core.base64url import encode_unpadded
from app.core.errors import InvalidInput

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

SortValue = str | int | bool | datetime


# A NamedTuple, not a frozen dataclass: one is made for every row of every page, and a
# frozen dataclass's __init__ costs about three times a tuple's.
class Keyset(NamedTuple):
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
    value_type: type[SortValue],
) -> PageRequest:
    """Validate Relay page arguments; raises InvalidInput.

    `value_type` is the type of the sorted column's values: a cursor carrying
    anything else is refused, never handed to the database."""
    if first is not None and last is not None:
        raise InvalidInput("first", "pass either first or last, not both")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
            raise InvalidInput(name, f"{name} must be between 0 and {MAX_PAGE_SIZE}, got {size}")
    from_end = last is not None
    limit = last if last is not None else first if first is not None else DEFAULT_PAGE_SIZE
    return PageRequest(
        limit=limit,
        after=decode_cursor(after, sort, value_type, "after") if after is not None else None,
        before=decode_cursor(before, sort, value_type, "before") if before is not None else None,
        from_end=from_end,
    )


def encode_cursor(sort: str, keyset: Keyset) -> str:
    value: Any = keyset.value
    if isinstance(value, datetime):
        value = {"t": value.isoformat()}
    return encode_unpadded(orjson.dumps([sort, value, keyset.id]))


# Longer than any cursor this server issues (a name is at most 200 characters).
MAX_CURSOR_LENGTH = 2000
MAX_ID = 2**31 - 1  # the id columns are 32-bit
# The longest text any sorted column holds (names: 200; events: 16). A longer value came
# from no row, and Tortoise refuses it in a filter with a ValidationError of its own.
MAX_SORTED_TEXT = 200


def decode_cursor(cursor: str, sort: str, value_type: type[SortValue], argument: str) -> Keyset:
    """The keyset of a cursor this server issued for `sort`; InvalidInput for
    anything else: a cursor is untrusted input, checked down to each value's type
    and range before it reaches a query."""
    foreign = InvalidInput(argument, f"{argument} is not a cursor this server issued")
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise foreign
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        # base64 decoding skips stray characters and padding: only the form issued counts.
        if base64.urlsafe_b64encode(raw).decode().rstrip("=") != cursor:
            raise foreign
        decoded = orjson.loads(raw)
    except (ValueError, binascii.Error) as error:  # orjson's JSONDecodeError is a ValueError
        raise foreign from error
    if not isinstance(decoded, list) or len(decoded) != 3:
        raise foreign
    cursor_sort, raw_value, row_id = decoded
    if not isinstance(cursor_sort, str):
        raise foreign
    if cursor_sort != sort:
        raise InvalidInput(argument, f"{argument} is a cursor for another sort order")
    if type(row_id) is not int or not 1 <= row_id <= MAX_ID:
        raise foreign
    value = _sort_value(raw_value, value_type)
    if value is None:
        raise foreign
    return Keyset(value=value, id=row_id)


def _sort_value(raw: Any, value_type: type[SortValue]) -> SortValue | None:
    """The value if it is what the sorted column holds, else None."""
    if value_type is datetime:
        if not isinstance(raw, dict) or set(raw) != {"t"} or not isinstance(raw["t"], str):
            return None
        try:
            moment = datetime.fromisoformat(raw["t"])
            if moment.tzinfo is None:
                return None
            return moment.astimezone(UTC)
        except (ValueError, OverflowError):
            return None
    if issubclass(value_type, StrEnum):  # a column of an enum's values holds no other
        return raw if isinstance(raw, str) and raw in _values_of(value_type) else None
    if value_type is str:
        if not isinstance(raw, str) or "\x00" in raw or len(raw) > MAX_SORTED_TEXT:
            return None
        try:
            raw.encode()
        except UnicodeEncodeError:  # a lone surrogate
            return None
        return raw
    if value_type is int:
        return raw if type(raw) is int and -MAX_ID - 1 <= raw <= MAX_ID else None
    if value_type is bool:
        return raw if type(raw) is bool else None
    return None


@cache
def _values_of(enum: type[StrEnum]) -> frozenset[str]:
    return frozenset(member.value for member in enum)
