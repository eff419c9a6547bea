"""A refused browser origin is told why, and the operator reads it once in the log."""

import httpx
import pytest

from app.core.settings import Settings
from tests.web.conftest import serving

PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


@pytest.mark.parametrize("cors_origins", [[], ["https://admin.example"]])
async def test_a_refused_preflight_names_the_setting_once_in_the_log(
    settings: Settings, cors_origins: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    configured = settings.model_copy(update={"cors_origins": cors_origins})
    async with serving(configured) as http:
        refused = [
            await http.options("/graphql", headers={"Origin": "https://evil.example", **PREFLIGHT})
            for _ in range(2)
        ]

    for response in refused:
        assert response.status_code == 403
        [error] = response.json()["errors"]
        assert error["extensions"] == {"code": "ORIGIN_NOT_ALLOWED", "setting": "CORS_ORIGINS"}
        assert "https://evil.example" in error["message"]
    logged = [r for r in caplog.records if r.name == "app.web.origins"]
    assert [r.getMessage() for r in logged] == [
        "refused browser origin https://evil.example; to allow it, add it to CORS_ORIGINS"
    ]


async def test_an_allowed_preflight_still_passes(settings: Settings) -> None:
    configured = settings.model_copy(update={"cors_origins": ["https://admin.example"]})
    async with serving(configured) as http:
        response = await http.options(
            "/graphql", headers={"Origin": "https://admin.example", **PREFLIGHT}
        )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://admin.example"


async def test_requests_without_a_preflight_are_untouched(http: httpx.AsyncClient) -> None:
    response = await http.options("/graphql", headers={"Origin": "https://evil.example"})

    assert response.status_code == 405  # no CORS question asked: the route's own answer
