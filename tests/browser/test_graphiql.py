"""GraphiQL in Chromium: a subscription run in the page receives a change made over HTTP."""

from playwright.async_api import expect

from tests.browser.conftest import Pages
from tests.browser.world import new_queue
from tests.live.servers import Server

SUBSCRIPTION = """subscription Watch($queueId: ID!) {
  queueHooksChanged(queueId: $queueId) {
    ... on QueueHookChange { kind hook { flowSchema { name } } }
  }
}"""


async def test_a_graphiql_subscription_receives_a_change_made_over_http(
    shared_server: Server, pages: Pages
) -> None:
    # The first queue by name is the one GraphiQL's variables hold.
    world = await new_queue(shared_server, "AAA first queue for GraphiQL")
    page = await pages.open(shared_server, "/graphql")
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    await expect(editor).to_be_visible()
    variables = page.locator(".graphiql-editor-tool .CodeMirror").first
    await expect(variables).to_contain_text(world.queue_id)

    # CodeMirror 5 (GraphiQL 3) exposes its instance on its element.
    await editor.evaluate("(element, text) => element.CodeMirror.setValue(text)", SUBSCRIPTION)
    # GraphiQL takes an edit in after a debounce (clicking Run before that runs the
    # previous document); it stores the tab's new state once it has.
    await page.wait_for_function(
        "() => (localStorage.getItem('graphiql:tabState') ?? '').includes('Watch')"
    )
    await page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()
    await expect(page.get_by_role("button", name="Stop query (Ctrl-Enter)")).to_be_visible()
    await world.hook("Seen in GraphiQL", event="JOINED")

    result = page.locator(".graphiql-response")
    await expect(result).to_contain_text("CREATED")
    await expect(result).to_contain_text("Seen in GraphiQL")
