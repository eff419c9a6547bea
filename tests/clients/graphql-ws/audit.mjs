// The graphql-http server audits (the GraphQL over HTTP spec's own checks) against a
// running server. Prints one JSON line per audit: {id, name, status, reason}.
// Usage: node audit.mjs '{"url": "http://127.0.0.1:PORT/graphql", "token": "..."}'
import { serverAudits } from "graphql-http";

const { url, token } = JSON.parse(process.argv[2]);
// Our server has no anonymous access: every audit request carries the token.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  process.stdout.write(
    JSON.stringify({ id: audit.id, name: audit.name, status: result.status, reason: result.reason ?? null }) + "\n",
  );
}
