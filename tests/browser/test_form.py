"""The creation tool and editor: what Save stores is what the form shows, and refusals are heard."""

import re

from playwright.async_api import FloatRect, expect

from tests.browser.conftest import Pages
from tests.browser.world import demo_token, new_queue
from tests.live.servers import Server


def overlap(one: FloatRect | None, other: FloatRect | None) -> bool:
    assert one is not None
    assert other is not None
    apart_x = one["x"] + one["width"] <= other["x"] or other["x"] + other["width"] <= one["x"]
    apart_y = one["y"] + one["height"] <= other["y"] or other["y"] + other["height"] <= one["y"]
    return not (apart_x or apart_y)


async def test_the_flow_schema_field_saves_only_the_schema_it_shows(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Shown - inbound")
    await world.schema("Shown CRM sync")
    await world.schema("Shown survey")
    page = await pages.open(shared_server, f"{world.path}/new")
    dialog = page.get_by_role("dialog", name="Add hook")
    search = dialog.get_by_role("combobox", name="Flow schema")
    save = dialog.get_by_role("button", name="Save")

    await dialog.get_by_label("Event").select_option(label="Answered")
    await search.fill("Shown")
    listbox = dialog.get_by_role("listbox", name="Flow schemas")
    await expect(listbox.get_by_role("option")).to_have_count(2)
    for hidden in (dialog.get_by_role("checkbox", name="Enabled"), save):
        assert not overlap(await listbox.bounding_box(), await hidden.bounding_box())
    await search.fill("Shown c")
    await dialog.get_by_role("option", name=re.compile("Shown CRM sync")).click()
    await expect(save).to_be_enabled()
    for text in ("Shown s", "nonsense", ""):  # typing drops the choice until one is picked
        await search.fill(text)
        await expect(save).to_be_disabled()
    await search.fill("Shown s")
    await expect(dialog.get_by_role("option", name=re.compile("Shown survey"))).to_be_visible()
    await search.press("Enter")  # nothing highlighted: nothing picked, nothing sent
    await expect(search).to_have_value("Shown s")
    await expect(save).to_be_disabled()
    assert await world.hooks() == []

    await search.press("ArrowDown")
    await search.press("Enter")
    await expect(search).to_have_value("Shown survey")
    await save.click()
    await expect(dialog).to_be_hidden()
    assert [h["flowSchema"]["name"] for h in await world.hooks()] == ["Shown survey"]

    # The editor: clearing the field leaves nothing to save, whatever else changed.
    await page.get_by_role("button", name=re.compile("^Edit Answered: Shown survey")).click()
    editor = page.get_by_role("dialog", name="Edit hook")
    await editor.get_by_label("Event").select_option(label="Missed")
    await expect(editor.get_by_role("button", name="Save")).to_be_enabled()
    await editor.get_by_role("combobox", name="Flow schema").fill("")
    await expect(editor.get_by_role("button", name="Save")).to_be_disabled()


async def test_a_refused_save_is_announced_and_keeps_focus_in_the_dialog(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Refused - inbound")
    await world.hook("Refused enabled", event="JOINED", enabled=True)
    await world.schema("Refused other")
    page = await pages.open(shared_server, f"{world.path}/new")
    dialog = page.get_by_role("dialog", name="Add hook")

    await dialog.get_by_label("Event").select_option(label="Joined")
    await dialog.get_by_role("combobox", name="Flow schema").fill("Refused o")
    await dialog.get_by_role("option", name=re.compile("Refused other")).click()
    await dialog.get_by_role("button", name="Save").press("Enter")

    message = "Refused enabled is already enabled for Joined."
    await expect(dialog.get_by_role("alert")).to_contain_text(message)
    enabled = dialog.get_by_role("checkbox", name="Enabled")
    await expect(enabled).to_be_focused()
    await expect(enabled).to_have_accessible_description(re.compile(re.escape(message)))
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    assert len(await world.hooks()) == 1


async def test_without_flows_read_the_flow_schema_control_says_why(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "No flows - inbound")
    writer = demo_token(("queues:read", "queues:write"))
    page = await pages.open(shared_server, f"{world.path}/new", token=writer)
    field = page.get_by_role("dialog", name="Add hook").get_by_role("combobox", name="Flow schema")

    await expect(field).to_be_disabled()
    await expect(field).to_have_accessible_description(re.compile("flows:read"))


async def test_the_editor_follows_another_windows_change_or_offers_it(
    shared_server: Server, pages: Pages
) -> None:
    world = await new_queue(shared_server, "Followed - inbound")
    hook_id = await world.hook("Followed hook", event="JOINED")
    page = await pages.open(shared_server, f"{world.path}/{hook_id}")
    editor = page.get_by_role("dialog", name="Edit hook")
    enabled = editor.get_by_role("checkbox", name="Enabled")
    await expect(enabled).not_to_be_checked()
    await expect(page.get_by_role("status", name="Connection")).to_have_text("Live")

    # Untouched: the form takes the new state as it is.
    await world.set_enabled("Followed hook", True)
    await expect(enabled).to_be_checked()

    # Edited: the user's change is kept, and the other one is offered.
    await editor.get_by_label("Event").select_option(label="Missed")
    await world.set_enabled("Followed hook", False)
    await expect(editor.get_by_role("alert")).to_have_text(
        re.compile("^Someone else changed this hook while you were editing it.")
    )
    await expect(editor.get_by_label("Event")).to_have_value("MISSED")
    await editor.get_by_role("button", name="Load their version").click()
    await expect(editor.get_by_label("Event")).to_have_value("JOINED")
    await expect(enabled).not_to_be_checked()
    await expect(editor.get_by_role("alert")).to_have_count(0)
    await expect(editor.get_by_role("button", name="Save")).to_be_disabled()
