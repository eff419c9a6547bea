"""Size limits on an operation, checked the same way on every transport."""

from typing import Any

import orjson

from app.core.settings import Settings

TOO_LARGE = "REQUEST_TOO_LARGE"


def oversized(settings: Settings, query: str, variables: dict[str, Any] | None) -> str | None:
    """Why the operation is too large to take (before it is parsed), or None."""
    # A character is at least one byte: only a short enough document needs encoding.
    if len(query) > settings.max_query_bytes or len(query.encode()) > settings.max_query_bytes:
        return f"the query is larger than {settings.max_query_bytes} bytes"
    if variables and len(orjson.dumps(variables)) > settings.max_variables_bytes:
        return f"the variables are larger than {settings.max_variables_bytes} bytes"
    return None
