from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.settings import Settings


def test_production_refuses_to_start_without_a_jwt_secret() -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET must be set"):
        Settings(app_env="production", jwt_secret=None)


def test_production_never_prefills_graphiql_with_a_token() -> None:
    settings = Settings(app_env="production", jwt_secret="s3cret-" * 6)

    assert settings.prefill_graphiql_token is False
    assert settings.secret == "s3cret-" * 6


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    monkeypatch.setenv("JWT_SECRET", "from-env-secret-" * 2)

    settings = Settings()

    assert settings.database_url == "postgres://postgres@127.0.0.1:5432/x"
    assert settings.secret == "from-env-secret-" * 2


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(jwt_secret="short")


def test_every_setting_is_documented_in_the_operating_notes_and_env_example() -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "docs" / "operating.md").read_text()
    example = (root / ".env.example").read_text()
    names = [name.upper() for name in Settings.model_fields]

    assert [n for n in names if f"`{n}`" not in readme] == []
    assert [n for n in names if n not in example] == []
