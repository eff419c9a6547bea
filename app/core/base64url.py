"""Unpadded URL-safe base64, the text of global ids and cursors.

`base64.urlsafe_b64encode` is two Python calls around binascii; ids and cursors are
made for every row of every page, so this calls binascii directly (same output)."""

import binascii

_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def encode_unpadded(raw: bytes) -> str:
    return binascii.b2a_base64(raw, newline=False).translate(_URL_SAFE).rstrip(b"=").decode()
