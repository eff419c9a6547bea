"""`python -m app`: tokens and the schema, as an operator runs them."""

import os
import subprocess
import sys

import jwt

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
