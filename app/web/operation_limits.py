"""Size limits on an operation, checked the same way on every transport."""

from typing import Any

import orjson

from app.core.settings import Settings

TOO_LARGE = "REQUEST_TOO_LARGE"
# orjson (and so every JSON answer) stops at 255 levels; no variable of ours is that deep.
TOO_DEEP = "the variables are nested too deeply"


def oversized(settings: Settings, query: str, variables: dict[str, Any] | None) -> str | None:
    """Why the operation is too large to take (before it is parsed), or None."""
    # A character is at least one byte: only a short enough document needs encoding.
    if len(query) > settings.max_query_bytes or len(query.encode()) > settings.max_query_bytes:
        return f"the query is larger than {settings.max_query_bytes} bytes"
    if not variables:
        return None
    try:
        size = len(orjson.dumps(variables))
    except TypeError:
        return TOO_DEEP
    if size > settings.max_variables_bytes:
        return f"the variables are larger than {settings.max_variables_bytes} bytes"
    return None
