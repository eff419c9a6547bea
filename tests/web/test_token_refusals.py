"""A refused bearer token: the 401 says what is wrong in the project's words."""

import base64
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest

from app.core.settings import Settings
from tests.web.conftest import SECRET, serving

OTHER_SECRET = "another-secret-that-is-long-enough-for-hs256"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    given = {"sub": "alice", "tenant": "acme", "scope": "queues:read", "exp": now + 60}
    return {k: v for k, v in {**given, **overrides}.items() if v is not None}


def signed(secret: str = SECRET, algorithm: str = "HS256", **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), secret, algorithm=algorithm)


def unsigned_payload(payload: bytes) -> str:
    """A token whose payload is not a JSON object, correctly signed."""
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(payload).rstrip(b"=")
    signing_input = header + b"." + body
    signature = jwt.get_algorithm_by_name("HS256").sign(signing_input, SECRET.encode())
    return (signing_input + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


CLAIMS_UNREADABLE = (
    "the token's claims cannot be read: "
    "the payload must be a JSON object with numeric 'exp', 'nbf' and 'iat'"
)
# Built when each test runs: a token made at collection would expire in a long run.
CAUSES: dict[str, tuple[Callable[[], str], str]] = {
    "expired": (lambda: signed(exp=int(time.time()) - 30), "the token has expired"),
    "not yet valid": (lambda: signed(nbf=int(time.time()) + 600), "the token is not valid yet"),
    "wrong signature": (
        lambda: signed(secret=OTHER_SECRET),
        "the token's signature does not match: it was not signed with this server's key",
    ),
    "malformed": (
        lambda: "not-a-jwt",
        "the token is malformed: not a JWT (header.payload.signature)",
    ),
    "payload not json": (
        lambda: unsigned_payload(b"[1, 2]"),
        CLAIMS_UNREADABLE,
    ),
    "exp not a number": (lambda: signed(exp="later"), CLAIMS_UNREADABLE),
    "sub not text": (lambda: signed(sub=5), "the token's 'sub' claim must be a string"),
    "iat not a number": (lambda: signed(iat="soon"), "the token's 'iat' claim must be a number"),
    "wrong algorithm": (
        lambda: signed(secret=SECRET * 2, algorithm="HS512"),
        "the token is signed with another algorithm; this server accepts HS256 only",
    ),
    "alg none": (
        lambda: jwt.encode(claims(), "", algorithm="none"),
        "the token is signed with another algorithm; this server accepts HS256 only",
    ),
    "no exp": (lambda: signed(exp=None), "the token has no 'exp' claim"),
    "no tenant": (lambda: signed(tenant=None), "the token has no 'tenant' claim"),
    "unknown tenant": (lambda: signed(tenant="initech"), "the token's tenant is not known here"),
}


@pytest.fixture
def settings(tmp_path: Path, sqlite_template: Path) -> Settings:
    """The database plays no part in refusing a token: one SQLite file will do."""
    database = tmp_path / "hooks.sqlite3"
    shutil.copy(sqlite_template, database)
    return Settings(
        app_env="test",
        database_url=f"sqlite://{database}",
        jwt_secret=SECRET,
        known_tenants=["acme"],
    )


@pytest.mark.parametrize("cause", list(CAUSES))
async def test_a_refused_token_says_why(settings: Settings, cause: str) -> None:
    make_bearer, message = CAUSES[cause]
    bearer = make_bearer()

    async with serving(settings) as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ queues { totalCount } }"},
            headers={"Authorization": f"Bearer {bearer}"},
        )

    assert response.status_code == 401
    assert response.json()["errors"] == [
        {"message": message, "extensions": {"code": "UNAUTHENTICATED"}}
    ]


async def test_the_accepted_token_is_the_control(settings: Settings) -> None:
    async with serving(settings) as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ queues { totalCount } }"},
            headers={"Authorization": f"Bearer {signed()}"},
        )

    assert response.status_code == 200, response.text
