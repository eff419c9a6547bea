"""Chromium (Debian's, never a downloaded one) driving a real server process.

Every page is watched: a console error, an uncaught exception, or a request or
WebSocket to anywhere but 127.0.0.1 fails the test that caused it.
"""

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    async_playwright,
)

from tests.live.servers import Server, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The live tests' server runs with APP_ENV=test: the page carries a demo-tenant token.
TENANT = "demo"
# Creating a queue's worth of hooks in a test must not meet the per-token rate limit.
SERVER_ENV = {"RATE_LIMIT_PER_SECOND": "0"}


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing; `make install` installs it when CI=true")
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture(scope="module")
def module_sqlite_url(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> str:
    database = tmp_path_factory.mktemp("browser") / "hooks.sqlite3"
    shutil.copy(sqlite_template, database)
    return f"sqlite://{database}"


@pytest.fixture(scope="module")
def shared_server(module_sqlite_url: str) -> Iterator[Server]:
    """One server for a module's tests; each test makes its own queue."""
    require_chromium()
    with running_server(module_sqlite_url, **SERVER_ENV) as started:
        yield started


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file of the test's own (for a server it restarts)."""
    database = tmp_path / "hooks.sqlite3"
    shutil.copy(sqlite_template, database)
    return f"sqlite://{database}"


@dataclass
class Watch:
    """What the pages of one browser context did that a user must never see."""

    # A test that stops the server expects the browser's own "connection refused" lines.
    server_goes_away: bool = False
    console_errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)

    def observe(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        page.on("websocket", lambda socket: self._socket(socket.url))

    def _console(self, message: ConsoleMessage) -> None:
        refused = "net::ERR_CONNECTION_REFUSED" in message.text
        if message.type == "error" and not (refused and self.server_goes_away):
            self.console_errors.append(f"{message.text} at {message.location}")

    def _socket(self, url: str) -> None:
        self.check(url)

    def check(self, url: str) -> bool:
        parsed = urlparse(url)
        is_local = parsed.scheme in ("data", "blob", "about") or parsed.hostname == "127.0.0.1"
        (self.local if is_local else self.outside).append(url)
        return is_local


class Pages:
    """Opens pages of a server, each in a fresh browser context (its own storage)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.opened: list[tuple[BrowserContext, Page, Watch]] = []

    async def open(
        self,
        server: Server,
        path: str = "/",
        token: str | None = None,
        *,
        server_goes_away: bool = False,
        clock: bool = False,
    ) -> Page:
        """`token`: put in sessionStorage first, as a user pasting one would.

        `clock`: the page's timers run on Playwright's clock (time flows, and a test may
        jump it forward with `page.clock.fast_forward`).
        """
        context = await self.browser.new_context(viewport={"width": 1200, "height": 820})
        watch = Watch(server_goes_away=server_goes_away)

        async def guard(route: Route) -> None:
            if watch.check(route.request.url):
                await route.continue_()
            else:
                await route.abort()

        await context.route("**/*", guard)
        if token is not None:
            await context.add_init_script(
                f"sessionStorage.setItem('queue-hooks.token', {token!r});"
            )
        if clock:
            await context.clock.install()
        page = await context.new_page()
        watch.observe(page)
        self.opened.append((context, page, watch))
        await page.goto(f"http://127.0.0.1:{server.port}{path}")
        return page

    def watch_of(self, page: Page) -> Watch:
        return next(watch for _, opened, watch in self.opened if opened is page)


@pytest.fixture
async def pages(browser: Browser) -> AsyncIterator[Pages]:
    opened = Pages(browser)
    yield opened
    for context, _, _ in opened.opened:
        await context.close()
    for _, _, watch in opened.opened:
        assert watch.outside == [], "requests left 127.0.0.1"
        assert watch.console_errors == [], "the console showed errors"
