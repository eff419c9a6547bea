"""Opaque global ids: base64 of "<TypeName>:<primary key>"."""

import base64
import binascii

from app.core.base64url import encode_unpadded
from app.core.errors import InvalidInput


def to_global_id(type_name: str, pk: int) -> str:
    return encode_unpadded(f"{type_name}:{pk}".encode())


def parse_global_id(global_id: str) -> tuple[str, int]:
    """Return (type name, pk); raises InvalidInput for text that is no id of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw_pk = base64.urlsafe_b64decode(padded).decode().partition(":")
        pk = int(raw_pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise InvalidInput("id", f"'{global_id}' is not a valid id") from error
    if not type_name or pk < 1 or pk > 2**31 - 1:
        raise InvalidInput("id", f"'{global_id}' is not a valid id")
    # int() and base64 both accept other spellings ("0270", " 270", "2_70", other
    # scripts' digits, stray padding): one object, one id.
    if to_global_id(type_name, pk) != global_id:
        raise InvalidInput("id", f"'{global_id}' is not a valid id")
    return type_name, pk


def pk_of(global_id: str, type_name: str, field: str = "id") -> int | None:
    """The pk if the id is of `type_name`, None if it names another type.

    Raises InvalidInput (naming `field`) for text that is no id at all.
    """
    try:
        found_type, pk = parse_global_id(global_id)
    except InvalidInput as error:
        raise InvalidInput(field, error.message) from error
    return pk if found_type == type_name else None


class SentIds:
    """The ids one operation was sent, by the key each names, so that errors name
    objects as the client named them (a database key means nothing to a client)."""

    def __init__(self) -> None:
        self._sent: dict[tuple[str, int], str] = {}

    def pk(self, global_id: str, type_name: str, field: str = "id") -> int | None:
        """pk_of, remembering the id sent for the key it names."""
        pk = pk_of(global_id, type_name, field)
        if pk is not None:
            self._sent.setdefault((type_name, pk), global_id)
        return pk

    def name(self, type_name: str, pk: int) -> str:
        """The id the client sent for this key; else the key's own global id."""
        return self._sent.get((type_name, pk)) or to_global_id(type_name, pk)
