"""Deep links that name no queue, or a hook of another queue."""

import pytest
from playwright.async_api import expect

from app.graphql.ids import to_global_id
from tests.browser.conftest import Pages
from tests.browser.world import new_queue
from tests.live.servers import Server


async def test_a_hook_of_another_queue_is_not_opened_under_this_one(
    shared_server: Server, pages: Pages
) -> None:
    here = await new_queue(shared_server, "Link here - inbound")
    there = await new_queue(shared_server, "Link there - inbound")
    elsewhere = await there.hook("Link elsewhere")

    page = await pages.open(shared_server, f"{here.path}/{elsewhere}")

    await expect(page.get_by_role("alert")).to_have_text("That hook is not in this queue.")
    await expect(page.get_by_role("dialog")).to_have_count(0)


@pytest.mark.parametrize(
    "queue_id", ["garbage", to_global_id("Queue", 2**31 - 1)], ids=["malformed", "unknown"]
)
async def test_a_link_to_no_queue_says_so_once_and_leads_back(
    shared_server: Server, pages: Pages, queue_id: str
) -> None:
    page = await pages.open(shared_server, f"/#/queues/{queue_id}/hooks")

    await expect(page.get_by_role("heading", name="No such queue")).to_be_visible()
    await expect(page.get_by_role("alert")).to_have_count(0)
    await expect(page.get_by_text("not a valid id")).to_have_count(0)
    for tool in (
        page.get_by_role("button", name="Add hook"),
        page.get_by_role("status", name="Connection"),
        page.get_by_role("table"),
    ):
        await expect(tool).to_have_count(0)
    assert not any(url.startswith("ws:") for url in pages.watch_of(page).local)

    await page.get_by_role("link", name="Back to the queue list").click()
    await expect(page.get_by_role("heading", name="Queues")).to_be_visible()
