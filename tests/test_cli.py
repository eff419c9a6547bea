"""`python -m app`: tokens and the schema, as an operator runs them."""

import os
import subprocess
import sys
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.identity import TokenVerifier
from app.graphql.schema import sdl


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_token_prints_a_jwt_signed_with_the_configured_secret() -> None:
    secret = "operator-secret-long-enough-for-hs256"

    done = cli(
        "token",
        "--tenant",
        "t1",
        "--user",
        "ops",
        "--scope",
        "queues:read",
        "flows:read",
        JWT_SECRET=secret,
    )

    assert done.returncode == 0, done.stderr
    claims = jwt.decode(done.stdout.strip(), secret, algorithms=["HS256"])
    assert (claims["tenant"], claims["sub"], claims["scope"]) == (
        "t1",
        "ops",
        "queues:read flows:read",
    )
    assert claims["exp"] - claims["iat"] == 3600


def test_production_without_a_secret_refuses_to_start() -> None:
    done = cli("token", "--tenant", "t1", "--user", "ops", APP_ENV="production", JWT_SECRET="")

    assert done.returncode != 0
    assert "JWT_SECRET must be set" in done.stderr


def test_schema_prints_the_sdl() -> None:
    done = cli("schema")

    assert done.returncode == 0
    assert done.stdout == sdl()


def test_token_signs_with_a_private_key_for_rs256(tmp_path: Path) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public_file = tmp_path / "public.pem"
    public_file.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    env = {"JWT_ALGORITHM": "RS256", "JWT_PUBLIC_KEY_FILE": str(public_file)}

    refused = cli("token", "--tenant", "t1", "--user", "ops", **env)
    done = cli(
        "token", "--tenant", "t1", "--user", "ops", "--private-key-file", str(key_file), **env
    )

    assert refused.returncode == 2
    verifier = TokenVerifier("RS256", public_key_file=public_file)
    assert verifier.verify(done.stdout.strip()).tenant == "t1"
