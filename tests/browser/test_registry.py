"""The Hooks tab in Chromium: what a user does, what a user sees."""

import re
from pathlib import Path

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import Pages
from tests.browser.world import demo_token, new_queue
from tests.live.servers import Server

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "hooks-tab.png"


def row(page: Page, text: str) -> Locator:
    return page.get_by_role("row").filter(has_text=text)


async def test_the_queue_list_opens_a_queues_hooks_tab_with_local_requests_only(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Browse - inbound")
    await world.hook("Browse CRM sync")

    page = await pages.open(shared_server, "/")
    await page.get_by_role("link", name="Browse - inbound").click()

    await expect(page.get_by_role("heading", name="Browse - inbound — Hooks")).to_be_visible()
    await expect(row(page, "Browse CRM sync")).to_be_visible()
    await expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    seen = pages.watch_of(page).local
    assert any(url.endswith("/static/vendor/preact/preact.mjs") for url in seen), seen
    assert any(url.startswith("ws://127.0.0.1") for url in seen), seen


async def test_add_edit_and_remove_a_hook(shared_server: Server, pages: Pages) -> None:
    world = await new_queue(shared_server, "Edit - outbound")
    await world.schema("Edit CRM sync")
    await world.schema("Edit survey", "DEFAULT")
    page = await pages.open(shared_server, world.path)

    # Add: the modal closes, the hook is saved, the registry shows it.
    await page.get_by_role("button", name="Add hook").click()
    dialog = page.get_by_role("dialog", name="Add hook")
    save = dialog.get_by_role("button", name="Save")
    await expect(save).to_be_disabled()
    await dialog.get_by_label("Event").select_option(label="Answered")
    await dialog.get_by_role("combobox", name="Flow schema").fill("edit c")
    await dialog.get_by_role("option", name=re.compile("Edit CRM sync")).click()
    await save.click()
    await expect(dialog).to_be_hidden()
    await expect(row(page, "Edit CRM sync")).to_contain_text("Answered")
    assert [(h["event"], h["flowSchema"]["name"]) for h in await world.hooks()] == [
        ("ANSWERED", "Edit CRM sync")
    ]
    assert page.url.endswith(world.path)

    # Edit: Save waits for a change; the new flow schema is saved and shown.
    await page.get_by_role("button", name="Edit Answered: Edit CRM sync, row 1").click()
    dialog = page.get_by_role("dialog", name="Edit hook")
    await expect(dialog.get_by_role("button", name="Save")).to_be_disabled()
    await dialog.get_by_role("combobox", name="Flow schema").fill("Edit s")
    await dialog.get_by_role("option", name=re.compile("Edit survey")).click()
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()
    await expect(row(page, "Edit survey")).to_be_visible()
    (saved,) = await world.hooks()
    assert (saved["flowSchema"]["name"], saved["version"]) == ("Edit survey", 2)

    # Remove: confirmed with its count, gone from the registry and the server.
    await page.get_by_role("button", name="Remove Answered: Edit survey, row 1").click()
    confirm = page.get_by_role("alertdialog", name="Delete 1 hook?")
    await confirm.get_by_role("button", name="Delete 1 hook").click()
    await expect(confirm).to_be_hidden()
    await expect(row(page, "Edit survey")).to_have_count(0)
    assert await world.hooks() == []
    await expect(page.get_by_role("table", name="Hooks")).to_be_focused()  # nothing left


async def test_bulk_remove_names_the_count_and_asks_first(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Bulk - chat")
    names = ["Bulk alpha", "Bulk bravo", "Bulk charlie", "Bulk delta", "Bulk echo"]
    for index, name in enumerate(names):
        await world.hook(name, event=["JOINED", "ANSWERED", "MISSED"][index % 3], enabled=index < 3)
    await world.hook("Bulk first", event="JOINED")
    page = await pages.open(shared_server, world.path)
    await page.get_by_role("button", name="Created").click()  # oldest first
    await expect(page.get_by_role("columnheader", name="Created")).to_have_attribute(
        "aria-sort", "ascending"
    )
    await expect(page.get_by_role("table", name="Hooks")).to_have_attribute("aria-busy", "false")

    # A single removal: focus goes to the row that took the removed one's place.
    await page.get_by_role("button", name="Remove Joined: Bulk alpha, row 1").focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("alertdialog").get_by_role("button", name="Delete 1 hook").click()
    await expect(
        page.get_by_role("checkbox", name="Select Answered: Bulk bravo, row 1")
    ).to_be_focused()
    names = [*names[1:], "Bulk first"]

    for name in names[:3]:
        await page.get_by_role("checkbox", name=re.compile(f"^Select .*{name}, row")).check()
    tool = page.get_by_role("button", name="Delete selected (3)")
    await tool.hover()
    await expect(page.get_by_role("tooltip")).to_have_text("Delete 3 selected hooks")
    await expect(tool).to_have_accessible_description("Delete 3 selected hooks")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    await page.screenshot(path=SCREENSHOT)

    await tool.click()
    confirm = page.get_by_role("alertdialog", name="Delete 3 hooks?")
    await confirm.get_by_role("button", name="Cancel").click()
    await expect(confirm).to_be_hidden()
    assert len(await world.hooks()) == 5, "cancelled: nothing removed"

    await tool.click()
    await confirm.get_by_role("button", name="Delete 3 hooks").click()
    await expect(page.get_by_role("row")).to_have_count(3)  # the header and two hooks
    assert sorted(h["flowSchema"]["name"] for h in await world.hooks()) == names[3:]
    await expect(tool).to_be_hidden()
    await expect(page.get_by_role("checkbox", name=re.compile("^Select .* row 1$"))).to_be_focused()


async def test_a_refused_removal_keeps_focus_in_its_dialog(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Gone - inbound")
    await world.hook("Gone meanwhile")
    page = await pages.open(shared_server, world.path)

    await page.get_by_role("button", name="Remove Joined: Gone meanwhile, row 1").click()
    confirm = page.get_by_role("alertdialog", name="Delete 1 hook?")
    await world.delete("Gone meanwhile")  # another window was quicker
    await confirm.get_by_role("button", name="Delete 1 hook").press("Enter")

    await expect(confirm.get_by_role("alert")).to_be_visible()
    await expect(confirm.get_by_role("button", name="Delete 1 hook")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(confirm).to_be_hidden()


async def test_page_sizes_and_paging_both_ways(shared_server: Server, pages: Pages) -> None:
    world = await new_queue(shared_server, "Paging - dialer")
    for n in range(1, 31):
        await world.hook(f"Paged {n:02d}", event="MISSED")
    page = await pages.open(shared_server, world.path)
    await page.get_by_role("button", name="Flow schema").click()  # sort by name
    pagination = page.get_by_role("navigation", name="Pagination")
    first_row = page.get_by_role("row").nth(1)
    select_page = page.get_by_role("checkbox", name="Select all hooks on this page")

    await expect(page.get_by_role("table", name="Hooks")).to_have_attribute("aria-busy", "false")
    await expect(pagination).to_contain_text("1\N{EN DASH}10 of 30")
    await expect(first_row).to_contain_text("Paged 01")
    await select_page.check()
    await expect(page.get_by_role("button", name="Delete selected (10)")).to_be_visible()
    await pagination.get_by_role("button", name="Next page").click()
    await expect(pagination).to_contain_text("11\N{EN DASH}20 of 30")
    await expect(first_row).to_contain_text("Paged 11")
    # Only what is on screen stays selected: nothing removed that the user cannot see.
    await expect(page.get_by_role("button", name=re.compile("^Delete selected"))).to_have_count(0)
    await expect(select_page).not_to_be_checked()
    await pagination.get_by_role("button", name="Next page").click()
    await expect(pagination).to_contain_text("21\N{EN DASH}30 of 30")
    await expect(pagination.get_by_role("button", name="Next page")).to_be_disabled()
    await pagination.get_by_role("button", name="Previous page").click()
    await expect(pagination).to_contain_text("11\N{EN DASH}20 of 30")
    await expect(first_row).to_contain_text("Paged 11")

    await pagination.get_by_label("Rows per page").select_option("25")
    await expect(pagination).to_contain_text("1\N{EN DASH}25 of 30")
    await expect(page.get_by_role("row")).to_have_count(26)
    await pagination.get_by_role("button", name="Next page").click()
    await expect(pagination).to_contain_text("26\N{EN DASH}30 of 30")
    await expect(first_row).to_contain_text("Paged 26")
    await pagination.get_by_role("button", name="Previous page").click()
    await expect(pagination).to_contain_text("1\N{EN DASH}25 of 30")
    await expect(pagination.get_by_role("button", name="Previous page")).to_be_disabled()


async def test_a_header_click_cycles_ascending_descending_default(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Sorting - inbound")
    await world.hook("Sort bravo", event="JOINED")
    await world.hook("Sort alpha", event="MISSED")
    await world.hook("Sort charlie", event="ANSWERED")
    page = await pages.open(shared_server, world.path)
    header = page.get_by_role("columnheader", name="Flow schema")
    names = page.get_by_role("row").locator("td:nth-child(3)")

    await expect(names).to_have_count(3)
    by_event = await names.all_inner_texts()
    await header.get_by_role("button").click()
    await expect(header).to_have_attribute("aria-sort", "ascending")
    await expect(names).to_have_text(["Sort alpha", "Sort bravo", "Sort charlie"])
    await header.get_by_role("button").click()
    await expect(header).to_have_attribute("aria-sort", "descending")
    await expect(names).to_have_text(["Sort charlie", "Sort bravo", "Sort alpha"])
    await header.get_by_role("button").click()
    await expect(header).to_have_attribute("aria-sort", "none")
    await expect(names).to_have_text(by_event)


async def test_flow_schema_search_by_prefix_with_more_on_scroll(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Search - inbound")
    for n in range(1, 16):
        await world.schema(f"Lookup {n:02d}", "SERVICE" if n % 2 else "DEFAULT")
    await world.schema("Lookup voice menu", "VOICE")
    page = await pages.open(shared_server, f"{world.path}/new")
    dialog = page.get_by_role("dialog", name="Add hook")
    search = dialog.get_by_role("combobox", name="Flow schema")
    options = dialog.get_by_role("listbox", name="Flow schemas").get_by_role("option")

    await search.fill("lookup")
    await expect(options).to_have_count(10)  # newest first, a page at a time
    await expect(options.first).to_contain_text("Lookup 15")
    await dialog.get_by_role("listbox", name="Flow schemas").evaluate(
        "box => box.scrollTo(0, box.scrollHeight)"
    )
    await expect(options).to_have_count(15)  # SERVICE and DEFAULT, never VOICE
    await search.fill("LOOKUP 1")
    await expect(options).to_have_count(6)
    await search.press("ArrowDown")
    await search.press("Enter")
    await expect(search).to_have_value("Lookup 15")
    await expect(dialog.get_by_role("listbox")).to_be_hidden()


async def test_state_switch_and_the_atomic_switch_after_a_duplicate(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Switch - inbound")
    await world.hook("Switch first", event="JOINED", enabled=True)
    await world.hook("Switch second", event="JOINED", enabled=False)
    await world.hook("Switch other", event="ANSWERED", enabled=False)
    page = await pages.open(shared_server, world.path)

    other = page.get_by_role("switch", name=re.compile("Switch other, row"))
    await other.focus()
    await page.keyboard.press("Space")
    await expect(other).to_be_checked()
    await expect(other).to_be_focused()
    states = {h["flowSchema"]["name"]: (h["enabled"], h["version"]) for h in await world.hooks()}
    assert states["Switch other"] == (True, 2)

    state_column = page.get_by_role("columnheader", name="State")
    before = await state_column.bounding_box()
    second = page.get_by_role("switch", name=re.compile("Switch second, row"))
    await second.click()
    offer = page.get_by_role("button", name="Disable Switch first and enable this one")
    await expect(offer).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Switch first is already enabled for Joined. Only one hook per event can be enabled."
    )
    after = await state_column.bounding_box()
    assert before is not None
    assert after is not None
    assert after["width"] == before["width"], "the table kept its layout"
    await expect(second).not_to_be_checked()  # flipped back: nothing changed
    await offer.focus()
    await page.keyboard.press("Enter")
    await expect(second).to_be_checked()
    await expect(second).to_be_focused()  # the offer went with its message
    await expect(
        page.get_by_role("switch", name=re.compile("Switch first, row"))
    ).not_to_be_checked()
    enabled = {h["flowSchema"]["name"]: h["enabled"] for h in await world.hooks()}
    assert enabled == {"Switch first": False, "Switch second": True, "Switch other": True}


async def test_rows_that_look_alike_have_controls_of_their_own_names(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Twins - inbound")
    for _ in range(3):
        await world.hook("Twin recording", event="ACTIVE")
    page = await pages.open(shared_server, world.path)
    await expect(page.get_by_role("row")).to_have_count(4)

    for position in (1, 2, 3):
        name = f"Active: Twin recording, row {position}"
        for control in (
            page.get_by_role("checkbox", name=f"Select {name}", exact=True),
            page.get_by_role("switch", name=f"State of {name}", exact=True),
            page.get_by_role("button", name=f"Edit {name}", exact=True),
            page.get_by_role("button", name=f"Remove {name}", exact=True),
        ):
            await expect(control).to_have_count(1)


async def test_a_read_only_token_sees_no_tools(shared_server: Server, pages: Pages) -> None:
    world = await new_queue(shared_server, "Read only - inbound")
    await world.hook("Looked at", enabled=True)
    reader = demo_token(("queues:read", "flows:read"))

    page = await pages.open(shared_server, f"{world.path}/new", token=reader)

    await expect(row(page, "Looked at")).to_be_visible()
    await expect(page.get_by_text("Read-only")).to_be_visible()
    await expect(page.get_by_role("switch", name=re.compile("Looked at, row 1$"))).to_be_disabled()
    for name in ("Add hook", re.compile("^Edit"), re.compile("^Remove")):
        await expect(page.get_by_role("button", name=name)).to_have_count(0)
    await expect(page.get_by_role("checkbox")).to_have_count(0)
    await expect(page.get_by_role("dialog")).to_have_count(0)
