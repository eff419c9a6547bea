// The queue list at `/`: every queue of the tenant, searchable, each opening its Hooks tab.
import { useEffect, useState } from "preact/hooks";
import { ApiError, readRetrying } from "./api.js";
import { QUEUES } from "./documents.js";
import { html } from "./html.js";
import { hooksPath } from "./router.js";

export function QueueList({ token, onRefused }) {
  const [search, setSearch] = useState("");
  const [queues, setQueues] = useState(null);
  const [trouble, setTrouble] = useState(null);
  const [failure, setFailure] = useState(null);

  async function load(after) {
    try {
      const data = await readRetrying(token, QUEUES, { search: search || null, after }, setTrouble);
      const page = data.queues;
      setQueues((previous) => ({
        nodes: after ? [...previous.nodes, ...page.nodes] : page.nodes,
        pageInfo: page.pageInfo,
        totalCount: page.totalCount,
      }));
      setFailure(null);
    } catch (error) {
      if (error instanceof ApiError && error.kind === "unauthenticated") onRefused(error.message);
      else setFailure(error.message);
    }
  }

  useEffect(() => {
    const timer = setTimeout(() => load(null), search ? 150 : 0);
    return () => clearTimeout(timer);
  }, [search]);

  return html`
    <section class="queue-list" aria-labelledby="queues-title">
      <h1 id="queues-title">Queues</h1>
      <label class="search">
        Search queues
        <input type="search" value=${search} onInput=${(e) => setSearch(e.currentTarget.value)} />
      </label>
      ${trouble && html`<p class="trouble" role="alert">${trouble}</p>`}
      ${failure && html`<p class="error" role="alert">${failure}</p>`}
      ${queues &&
      html`<ul class="queues">
          ${queues.nodes.map(
            (queue) => html`<li key=${queue.id}>
              <a href=${hooksPath(queue.id)}>${queue.name}</a> <span class="badge">${queue.type}</span>
            </li>`,
          )}
        </ul>
        ${queues.nodes.length === 0 && html`<p>No queues.</p>`}
        ${queues.pageInfo.hasNextPage &&
        html`<button type="button" onClick=${() => load(queues.pageInfo.endCursor)}>Show more queues</button>`}`}
    </section>
  `;
}
