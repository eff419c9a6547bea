// Who last changed a hook and when, e.g. "demo, 2 min ago" (the exact time on hover).
import { html } from "./html.js";

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

export function ago(iso) {
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  if (Math.abs(seconds) < 60) return relative.format(seconds, "second");
  if (Math.abs(seconds) < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (Math.abs(seconds) < 86400) return relative.format(Math.round(seconds / 3600), "hour");
  return relative.format(Math.round(seconds / 86400), "day");
}

export function ChangedBy({ hook }) {
  const exact = new Date(hook.updatedAt).toLocaleString();
  return html`
    <span class="changed-by" title=${`Last changed by ${hook.updatedBy} at ${exact}`}>
      ${hook.updatedBy}, <time datetime=${hook.updatedAt}>${ago(hook.updatedAt)}</time>
    </span>
  `;
}
