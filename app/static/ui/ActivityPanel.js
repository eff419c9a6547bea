// The queue's recent changes (who, what, when), from the change log the server keeps;
// re-read whenever the queue's revision moves.
import { useEffect, useState } from "preact/hooks";
import { request } from "./api.js";
import { labelOf } from "./catalog.js";
import { ago, useTick } from "./ChangedBy.js";
import { RECENT_CHANGES } from "./documents.js";
import { html } from "./html.js";

const VERBS = { CREATED: "added", UPDATED: "changed", DELETED: "removed" };

export function ActivityPanel({ token, queueId, revision, events }) {
  const [changes, setChanges] = useState([]);
  const [problem, setProblem] = useState(null);
  useTick();

  useEffect(() => {
    let live = true;
    const timer = setTimeout(async () => {
      try {
        const data = await request(token, RECENT_CHANGES, { queueId });
        if (live) {
          setChanges(data.queue?.changes.nodes ?? []);
          setProblem(null);
        }
      } catch (error) {
        if (live) setProblem(error.message);
      }
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [token, queueId, revision]);

  return html`
    <section class="activity" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent changes</h2>
      ${problem && html`<p class="error">The recent changes could not be loaded: ${problem}</p>`}
      <ol>
        ${changes.map(
          (change) => html`
            <li key=${change.revision}>
              <strong>${change.changedBy}</strong> ${VERBS[change.kind]}
              ${change.hook
                ? html` ${labelOf(events, change.hook.event)}: ${change.hook.flowSchema.name}`
                : " a hook"}
              ${change.kind !== "DELETED" && change.hook && (change.hook.enabled ? " (enabled)" : " (disabled)")}
              <time datetime=${change.changedAt} title=${new Date(change.changedAt).toLocaleString()}>
                ${" "}${ago(change.changedAt)}</time>
            </li>`,
        )}
      </ol>
    </section>
  `;
}
