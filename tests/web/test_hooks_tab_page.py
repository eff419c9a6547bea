"""The Hooks tab page at `/`: its import map, its token, its favicon, all served here."""

import json
import re
from typing import Any

import httpx
import jwt

from app.core.settings import Settings
from app.web.app import create_app
from tests.web.conftest import SECRET


def _script(page: str, kind: str) -> Any:
    found = re.search(rf'<script type="{kind}"[^>]*>(.*?)</script>', page, re.S)
    assert found is not None, kind
    return json.loads(found.group(1))


async def test_the_page_maps_every_import_to_a_served_vendored_file(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/")

    assert page.status_code == 200
    imports = _script(page.text, "importmap")["imports"]
    assert set(imports) == {"preact", "preact/hooks", "htm", "graphql-ws"}
    for url in [*imports.values(), "/static/ui/main.js", "/static/ui/styles.css"]:
        response = await http.get(url)
        assert response.status_code == 200, url
    assert (
        (await http.get(imports["graphql-ws"]))
        .headers["content-type"]
        .startswith(("text/javascript", "application/javascript"))
    )


async def test_the_page_references_only_this_server(http: httpx.AsyncClient) -> None:
    page = await http.get("/")

    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls


async def test_development_page_carries_the_demo_users_token(http: httpx.AsyncClient) -> None:
    page = await http.get("/")

    token = _script(page.text, "application/json")["demoToken"]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["tenant"]) == ("demo", "demo")


async def test_production_page_carries_no_token(database_url: str) -> None:
    settings = Settings(app_env="production", database_url=database_url, jwt_secret=SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://t"
    ) as client:
        page = await client.get("/")

    assert page.status_code == 200
    assert _script(page.text, "application/json") == {"demoToken": None}


async def test_favicon_is_served(http: httpx.AsyncClient) -> None:
    for path in ("/favicon.ico", "/favicon.svg"):
        response = await http.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("image/svg+xml")
