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
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/graphiql/graphiql.min.css?v={graphiql}">
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script src="/static/graphiql/react.production.min.js?v={react}"></script>
  <script src="/static/graphiql/react-dom.production.min.js?v={react}"></script>
  <script src="/static/graphiql/graphiql.min.js?v={graphiql}"></script>
  <script type="module">
    import {{ createClient }} from "/static/vendor/graphql-ws/client.js";

    const http = GraphiQL.createFetcher({{ url: "/graphql" }});
    const socketUrl = `${{location.protocol === "https:" ? "wss" : "ws"}}://${{location.host}}/graphql`;
    // Subscriptions go over the same-origin socket, authenticated in connection_init with
    // the header editor's token; a changed token opens a new connection.
    let socket = null;
    let socketAuthorization = null;
    function socketFor(headers) {{
      const authorization = headers?.Authorization ?? headers?.authorization ?? null;
      if (socket === null || authorization !== socketAuthorization) {{
        socket?.dispose();
        socketAuthorization = authorization;
        socket = createClient({{
          url: socketUrl,
          connectionParams: authorization ? {{ Authorization: authorization }} : {{}},
        }});
      }}
      return socket;
    }}
    function isSubscription(documentAST, operationName) {{
      const operations = (documentAST?.definitions ?? []).filter(
        (definition) => definition.kind === "OperationDefinition");
      const chosen = operationName
        ? operations.find((operation) => operation.name?.value === operationName)
        : operations.length === 1 ? operations[0] : undefined;
      return chosen?.operation === "subscription";
    }}
    function fetcher(params, options) {{
      if (isSubscription(options?.documentAST, params.operationName)) {{
        return socketFor(options?.headers).iterate(params);
      }}
      return http(params, options);
    }}
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {{
      fetcher,
      defaultHeaders: {headers},
      defaultQuery: {query},
      // The first tab's variables: GraphiQL 3 loads `variables` into the editor, not defaultTabs'.
      variables: {variables},
      defaultEditorToolsVisibility: "variables",
      shouldPersistHeaders: false,
    }}));
  </script>
</body>
</html>
"""

DEFAULT_QUERY = """# The Hooks tab of a demo queue (its id is in the variables below). Run
# QueueHooksChanged, then change a hook in another tab to see it arrive live.
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

subscription QueueHooksChanged($queueId: ID!) {
  queueHooksChanged(queueId: $queueId) {
    __typename
    ... on QueueHookChange {
      revision kind hookId
      hook { id event enabled version flowSchema { name } }
    }
    ... on QueueHooksResyncRequired { currentRevision reason }
  }
}
"""


def graphiql_page(token: str | None, queue_id: str | None) -> HTMLResponse:
    """GraphiQL with the token in its headers and the queue id in its variables, when given."""
    headers = orjson.dumps({"Authorization": f"Bearer {token}"}, option=orjson.OPT_INDENT_2)
    variables = orjson.dumps({"queueId": queue_id}, option=orjson.OPT_INDENT_2)
    body = PAGE.format(
        title=html.escape("Queue hooks - GraphiQL"),
        graphiql=GRAPHIQL_VERSION,
        react=REACT_VERSION,
        headers=_js_string(headers.decode() if token else ""),
        query=_js_string(DEFAULT_QUERY),
        variables=_js_string(variables.decode() if queue_id else ""),
    )
    return HTMLResponse(body)


def _js_string(text: str) -> str:
    # JSON is valid JavaScript; escaping "<" keeps "</script>" from ending the block.
    return orjson.dumps(text).decode().replace("<", "\\u003c")
