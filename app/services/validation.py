"""Checks on input values shared by the services."""

from app.core.errors import InvalidInput

MAX_NAME_LENGTH = 200


def clean_name(field: str, value: str) -> str:
    """Trim a display name and check its length; raises InvalidInput."""
    name = value.strip()
    if not name:
        raise InvalidInput(field, f"{field} must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(field, f"{field} must be at most {MAX_NAME_LENGTH} characters")
    if any(ord(ch) < 32 for ch in name):
        raise InvalidInput(field, f"{field} must not contain control characters")
    return name


def clean_search(value: str | None) -> str | None:
    if value is None:
        return None
    search = value.strip()
    if len(search) > MAX_NAME_LENGTH:
        raise InvalidInput("search", f"search must be at most {MAX_NAME_LENGTH} characters")
    return search or None
