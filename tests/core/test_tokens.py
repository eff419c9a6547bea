"""Bearer tokens: what is accepted, and each way a token is refused."""

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.core.errors import NotAuthenticated
from app.core.identity import TokenVerifier

SECRET = "token-test-secret-long-enough-for-hs256"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "alice", "tenant": "acme", "scope": "queues:read", "exp": now + 60, **overrides}


def test_a_good_hs256_token_gives_its_identity() -> None:
    token = jwt.encode(claims(), SECRET, algorithm="HS256")

    principal = TokenVerifier("HS256", secret=SECRET).verify(token)

    assert (principal.user, principal.tenant, principal.permissions) == (
        "alice",
        "acme",
        frozenset({"queues:read"}),
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (jwt.encode(claims(exp=int(time.time()) - 5), SECRET, algorithm="HS256"), "expired"),
        (
            jwt.encode(claims(nbf=int(time.time()) + 300), SECRET, algorithm="HS256"),
            "not valid yet",
        ),
        (
            jwt.encode(claims(), "another-secret-that-is-long-enough!!", algorithm="HS256"),
            "signature does not match",
        ),
        (jwt.encode(claims(), SECRET * 2, algorithm="HS512"), "another algorithm"),
        (jwt.encode(claims(), "", algorithm="none"), "another algorithm"),
        (
            jwt.encode(
                {k: v for k, v in claims().items() if k != "exp"}, SECRET, algorithm="HS256"
            ),
            "no 'exp' claim",
        ),
        (
            jwt.encode(
                {k: v for k, v in claims().items() if k != "tenant"}, SECRET, algorithm="HS256"
            ),
            "no 'tenant' claim",
        ),
    ],
    ids=[
        "expired",
        "not before",
        "wrong signature",
        "other algorithm",
        "alg none",
        "no exp",
        "no tenant",
    ],
)
def test_refused_tokens(token: str, message: str) -> None:
    with pytest.raises(NotAuthenticated, match=message):
        TokenVerifier("HS256", secret=SECRET).verify(token)


def test_an_unknown_tenant_is_refused() -> None:
    verifier = TokenVerifier("HS256", secret=SECRET, known_tenants=["globex"])

    with pytest.raises(NotAuthenticated, match="tenant is not known"):
        verifier.verify(jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert (
        verifier.verify(jwt.encode(claims(tenant="globex"), SECRET, algorithm="HS256")).tenant
        == "globex"
    )


def hmac_token(payload: dict[str, Any], key: bytes) -> str:
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    signing_input = part(b'{"alg":"HS256","typ":"JWT"}') + "." + part(json.dumps(payload).encode())
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + part(signature)


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_rs256_with_a_public_key_file(tmp_path: Path) -> None:
    private = rsa_key()
    public_file = tmp_path / "public.pem"
    public_file.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    verifier = TokenVerifier("RS256", public_key_file=public_file)

    good = verifier.verify(jwt.encode(claims(), private, algorithm="RS256"))
    # The algorithm-confusion attack: an HMAC token keyed with the public key's text
    forged = hmac_token(claims(), public_file.read_bytes())

    assert good.user == "alice"
    with pytest.raises(NotAuthenticated, match="another algorithm; this server accepts RS256"):
        verifier.verify(forged)
    with pytest.raises(NotAuthenticated, match="signature does not match"):
        verifier.verify(jwt.encode(claims(), rsa_key(), algorithm="RS256"))


def test_a_kid_that_names_no_key_is_refused_in_so_many_words(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "kid": "one"}
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps({"keys": [jwk]}))
    verifier = TokenVerifier("ES256", jwks_file=jwks_file)

    with pytest.raises(NotAuthenticated, match=r"key id \(kid\) names no key this server knows"):
        verifier.verify(jwt.encode(claims(), key, algorithm="ES256", headers={"kid": "two"}))
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(NotAuthenticated, match="signature does not match"):
        verifier.verify(jwt.encode(claims(), other, algorithm="ES256", headers={"kid": "one"}))


def test_es256_with_a_jwks_file_chooses_the_key_by_kid(tmp_path: Path) -> None:
    first, second = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    jwks = {
        "keys": [
            {
                **json.loads(jwt.algorithms.ECAlgorithm.to_jwk(k.public_key())),
                "kid": kid,
                "alg": "ES256",
            }
            for kid, k in (("one", first), ("two", second))
        ]
    }
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(jwks))
    verifier = TokenVerifier("ES256", jwks_file=jwks_file)

    by_second = jwt.encode(claims(sub="bob"), second, algorithm="ES256", headers={"kid": "two"})
    wrong_kid = jwt.encode(claims(), first, algorithm="ES256", headers={"kid": "two"})
    no_kid = jwt.encode(claims(), first, algorithm="ES256")

    assert verifier.verify(by_second).user == "bob"
    for token in (wrong_kid, no_kid):
        with pytest.raises(NotAuthenticated):
            verifier.verify(token)


@pytest.mark.parametrize(
    ("scope", "permissions"),
    [
        ("queues:read queues:write", {"queues:read", "queues:write"}),
        ("queues:read  queues:write ", {"queues:read", "queues:write"}),
        ("queues:read\u00a0queues:write", {"queues:read\u00a0queues:write"}),
        ("queues:read\u2003queues:write", {"queues:read\u2003queues:write"}),
        ("queues:read\tqueues:write", {"queues:read\tqueues:write"}),
        ("queues:read\nqueues:write", {"queues:read\nqueues:write"}),
    ],
)
def test_only_ascii_spaces_separate_scopes(scope: str, permissions: set[str]) -> None:
    token = jwt.encode(claims(scope=scope), SECRET, algorithm="HS256")

    principal = TokenVerifier("HS256", secret=SECRET).verify(token)

    assert principal.permissions == frozenset(permissions)


@pytest.mark.parametrize("claim", ["sub", "tenant"])
@pytest.mark.parametrize("text", ["a\x00b", "a\nb", "", " "])
def test_a_user_or_tenant_with_control_characters_is_refused(claim: str, text: str) -> None:
    token = jwt.encode(claims(**{claim: text}), SECRET, algorithm="HS256")

    with pytest.raises(NotAuthenticated):
        TokenVerifier("HS256", secret=SECRET).verify(token)
