"""encode_unpadded is base64.urlsafe_b64encode without its padding, for any bytes."""

import base64

from hypothesis import given
from hypothesis import strategies as st

from app.core.base64url import encode_unpadded


@given(st.binary(max_size=300))
def test_the_same_text_as_the_standard_library(raw: bytes) -> None:
    assert encode_unpadded(raw) == base64.urlsafe_b64encode(raw).decode().rstrip("=")
