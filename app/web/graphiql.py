"""GraphiQL, served with its assets from this server so it works offline."""

import html

import orjson
from starlette.responses import HTMLResponse

# Versions of the vendored files in app/static/graphiql (licences in LICENSES.txt).
GRAPHIQL_VERSION = "3.8.3"
REACT_VERSION = "18.3.1"

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="/static/graphiql/graphiql.min.css?v={graphiql}">
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script src="/static/graphiql/react.production.min.js?v={react}"></script>
  <script src="/static/graphiql/react-dom.production.min.js?v={react}"></script>
  <script src="/static/graphiql/graphiql.min.js?v={graphiql}"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({{ url: "/graphql" }});
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {{
      fetcher,
      defaultHeaders: {headers},
      defaultQuery: {query},
      shouldPersistHeaders: false,
    }}));
  </script>
</body>
</html>
"""

DEFAULT_QUERY = """# The Hooks tab of a queue. Pick a queue id from `queues`, then page its hooks.
query Queues {
  queues(first: 10) { nodes { id name type } }
}

query QueueHooks($queueId: ID!, $first: Int = 10, $after: String) {
  queueHooks(queueId: $queueId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id event enabled version flowSchema { id name type } updatedAt updatedBy }
  }
}

query FlowSchemaDropdown($search: String) {
  flowSchemas(search: $search, first: 10) { nodes { id name type } }
}
"""


def graphiql_page(token: str | None) -> HTMLResponse:
    headers = orjson.dumps({"Authorization": f"Bearer {token}"}, option=orjson.OPT_INDENT_2)
    body = PAGE.format(
        title=html.escape("Queue hooks - GraphiQL"),
        graphiql=GRAPHIQL_VERSION,
        react=REACT_VERSION,
        headers=_js_string(headers.decode() if token else ""),
        query=_js_string(DEFAULT_QUERY),
    )
    return HTMLResponse(body)


def _js_string(text: str) -> str:
    # JSON is valid JavaScript; escaping "<" keeps "</script>" from ending the block.
    return orjson.dumps(text).decode().replace("<", "\\u003c")
