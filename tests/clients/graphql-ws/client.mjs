// Drives our server with the reference graphql-transport-ws client (graphql-ws).
// Usage: node client.mjs '{"url": ..., "token": ..., "query": ..., "variables": {...}, "results": N}'
// Prints one JSON line per result, then {"done": true}; a failure prints
// {"closed": code, "reason": ...} or {"errors": [...]} and exits 1.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { url, token, query, variables, results } = JSON.parse(process.argv[2]);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  retryAttempts: 0,
  lazy: true,
});
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");

let seen = 0;
try {
  for await (const result of client.iterate({ query, variables })) {
    print(result);
    seen += 1;
    if (results && seen >= results) break; // sends `complete` for the operation
  }
  print({ done: true });
  await client.dispose();
  process.exit(0);
} catch (failure) {
  if (failure && typeof failure.code === "number") {
    print({ closed: failure.code, reason: failure.reason });
  } else if (Array.isArray(failure)) {
    print({ errors: failure });
  } else {
    print({ failure: String(failure) });
  }
  process.exit(1);
}
