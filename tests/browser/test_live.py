"""The Hooks tab stays live: other windows' changes, and a server restarted under it."""

import re
from pathlib import Path

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import SERVER_ENV, Pages
from tests.browser.world import new_queue
from tests.live.servers import Server, free_port, running_server, running_servers


def row(page: Page, text: str) -> Locator:
    return page.get_by_role("row").filter(has_text=text)


async def live(page: Page) -> None:
    await expect(page.get_by_role("status", name="Connection")).to_have_text("Live")


async def test_two_windows_see_each_others_changes_within_a_second(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Live - two windows")
    await world.hook("Window one", event="JOINED")
    await world.hook("Window two", event="ANSWERED")
    first = await pages.open(shared_server, world.path)
    second = await pages.open(shared_server, world.path)
    await live(first)
    await live(second)

    await first.get_by_role("switch", name=re.compile("Window one, row")).click()
    await expect(second.get_by_role("switch", name=re.compile("Window one, row"))).to_be_checked(
        timeout=1000
    )

    await second.get_by_role("button", name=re.compile("^Remove .*Window two, row")).click()
    await second.get_by_role("alertdialog").get_by_role("button", name="Delete 1 hook").click()
    await expect(row(first, "Window two")).to_have_count(0, timeout=1000)

    await world.hook("Window three", event="MISSED")  # from outside any browser
    await expect(row(first, "Window three")).to_be_visible(timeout=1000)
    await expect(row(second, "Window three")).to_be_visible(timeout=1000)


async def test_a_restarted_server_under_an_open_page_misses_nothing(
    tmp_path: Path, sqlite_url: str, pages: Pages
) -> None:
    port = free_port()
    with running_servers(sqlite_url, 1, env=SERVER_ENV, ports=[port]) as (server,):
        world = await new_queue(server, "Restart - inbound")
        await world.hook("Kept and changed", event="JOINED")
        await world.hook("Removed meanwhile", event="ANSWERED")
        page = await pages.open(server, world.path, server_goes_away=True)
        await live(page)

    await expect(page.get_by_role("status", name="Connection")).to_have_text("Reconnecting...")
    # Meanwhile another replica (same database) takes changes the page cannot hear about.
    with running_server(sqlite_url, **SERVER_ENV) as other:
        world.server = other
        await world.set_enabled("Kept and changed", True)
        await world.delete("Removed meanwhile")
        await world.hook("Added meanwhile", event="MISSED")

    with running_servers(sqlite_url, 1, env=SERVER_ENV, ports=[port]):
        await live(page)
        await expect(
            page.get_by_role("switch", name=re.compile("Kept and changed, row"))
        ).to_be_checked()
        await expect(row(page, "Removed meanwhile")).to_have_count(0)
        await expect(row(page, "Added meanwhile")).to_be_visible()
