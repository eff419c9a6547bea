"""`python -m app`: tokens and the schema, as an operator runs them."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.identity import TokenVerifier
from app.graphql.schema import sdl
from tests.conftest import POSTGRES_ADMIN_DSN, database_name, require_postgres


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


def test_token_accepts_repeated_scope_options() -> None:
    secret = "operator-secret-long-enough-for-hs256"

    done = cli(
        "token", "--tenant", "t1", "--user", "ops",
        "--scope", "queues:read", "--scope", "flows:read", "queues:write",
        JWT_SECRET=secret,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    claims = jwt.decode(done.stdout.strip(), secret, algorithms=["HS256"])
    assert claims["scope"] == "queues:read flows:read queues:write"


def test_migrate_names_a_missing_postgres_database_in_one_line() -> None:
    require_postgres()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].split("://", 1)[1]
    missing = database_name("absent")

    done = cli("migrate", DATABASE_URL=f"postgres://{base}/{missing}")

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f'database "{missing}" does not exist' in lines[0]
    assert f"createdb -h 127.0.0.1 -p 5432 -U postgres {missing}" in lines[0]


def test_migrate_says_when_postgres_cannot_be_reached() -> None:
    with socket.socket() as closed:  # a port nobody listens on once this closes
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]

    done = cli("migrate", DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/x")

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: cannot reach PostgreSQL at 127.0.0.1:{port} (connection refused); is it "
        "running, and does DATABASE_URL name the right host and port?"
    ]


def test_migrate_says_when_postgres_refuses_the_user() -> None:
    require_postgres()

    done = cli("migrate", DATABASE_URL="postgres://no_such_role_x@127.0.0.1:5432/test")

    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert 'refused user "no_such_role_x"' in line
    assert "check the user and password in DATABASE_URL" in line


def test_migrate_prints_its_own_lines_only(tmp_path: Path) -> None:
    done = cli("migrate", DATABASE_URL=f"sqlite://{tmp_path / 'db.sqlite3'}")

    assert done.returncode == 0, done.stderr
    assert "Tortoise-ORM shutdown" not in done.stderr
    migrations = list((Path(__file__).parents[1] / "migrations" / "models").glob("*.py"))
    assert done.stdout.strip() == f"database at head ({len(migrations)} migrations applied)"
