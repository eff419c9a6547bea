"""What the Hooks tab says about time keeps up with the clock, without re-reading the server."""

import re

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import Pages
from tests.browser.world import new_queue
from tests.live.servers import Server


def row(page: Page, text: str) -> Locator:
    return page.get_by_role("row").filter(has_text=text)


async def test_relative_times_move_on_and_a_notice_clears(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Clock - inbound")
    await world.hook("Clock kept", event="JOINED")
    await world.hook("Clock removed", event="MISSED")
    page = await pages.open(shared_server, world.path, clock=True)
    await expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    await expect(row(page, "Clock kept")).to_contain_text("second")
    activity = page.get_by_role("region", name="Recent changes")
    await expect(activity.get_by_role("listitem")).to_have_count(2)
    reads: list[str] = []
    page.on("request", lambda request: reads.append(request.url))

    await page.clock.fast_forward("02:00")

    await expect(row(page, "Clock kept")).to_contain_text("2 minutes ago")
    await expect(activity.get_by_role("listitem").first).to_contain_text("2 minutes ago")
    assert reads == [], "the times moved on without asking the server"

    await page.get_by_role("button", name=re.compile("^Remove Missed: Clock removed")).click()
    await page.get_by_role("alertdialog").get_by_role("button", name="Delete 1 hook").click()
    notice = page.get_by_role("status").filter(has_text="Deleted 1 hook.")
    await expect(notice).to_be_visible()
    await page.clock.fast_forward("00:30")
    await expect(notice).to_have_count(0)
