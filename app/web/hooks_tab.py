"""The Hooks tab page at `/`: an import map and the entry module, all served from here."""

import orjson
from starlette.responses import HTMLResponse

# Bare module names the screen imports, mapped to the vendored files (vendor.lock.json).
IMPORTS = {
    "preact": "/static/vendor/preact/preact.mjs",
    "preact/hooks": "/static/vendor/preact/hooks.mjs",
    "htm": "/static/vendor/htm/htm.mjs",
    "graphql-ws": "/static/vendor/graphql-ws/client.js",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Queue hooks</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/ui/styles.css">
  <script type="importmap">{imports}</script>
  <script type="application/json" id="config">{config}</script>
  <script type="module" src="/static/ui/main.js"></script>
</head>
<body>
  <div id="app"><p class="loading">Loading the Hooks tab...</p></div>
  <noscript>The Hooks tab needs JavaScript.</noscript>
</body>
</html>
"""


def hooks_tab_page(demo_token: str | None) -> HTMLResponse:
    config = {"demoToken": demo_token}
    body = PAGE.format(
        imports=_json_in_script({"imports": IMPORTS}), config=_json_in_script(config)
    )
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})


def _json_in_script(value: object) -> str:
    # Escaping "<" keeps "</script>" in a value from ending the block.
    return orjson.dumps(value).decode().replace("<", "\\u003c")
