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
    _refuse_control_characters(field, name)
    return name


def clean_search(value: str | None) -> str | None:
    """A trimmed prefix, None for no search; raises InvalidInput.

    No name holds a control character, and PostgreSQL refuses a NUL byte in any
    text: such a search is an error, never sent to the database."""
    if value is None:
        return None
    search = value.strip()
    if len(search) > MAX_NAME_LENGTH:
        raise InvalidInput("search", f"search must be at most {MAX_NAME_LENGTH} characters")
    _refuse_control_characters("search", search)
    return search or None


def _refuse_control_characters(field: str, text: str) -> None:
    if any(ord(ch) < 32 or ch == "\x7f" for ch in text):
        raise InvalidInput(field, f"{field} must not contain control characters")
