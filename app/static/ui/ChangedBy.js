// Who last changed a hook and when, e.g. "demo, 2 min ago" (the exact time on hover).
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";

const TICK_MS = 30_000;
const ticking = new Set();
let ticker = null;

// Re-renders the caller every 30 s so relative times move on without asking the server;
// one interval serves every mounted caller.
export function useTick() {
  const [, setNow] = useState(0);
  useEffect(() => {
    const listener = () => setNow(Date.now());
    ticking.add(listener);
    ticker ??= setInterval(() => ticking.forEach((tick) => tick()), TICK_MS);
    return () => {
      ticking.delete(listener);
      if (ticking.size === 0) {
        clearInterval(ticker);
        ticker = null;
      }
    };
  }, []);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

export function ago(iso) {
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  if (Math.abs(seconds) < 60) return relative.format(seconds, "second");
  if (Math.abs(seconds) < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (Math.abs(seconds) < 86400) return relative.format(Math.round(seconds / 3600), "hour");
  return relative.format(Math.round(seconds / 86400), "day");
}

export function ChangedBy({ hook }) {
  useTick();
  const exact = new Date(hook.updatedAt).toLocaleString();
  return html`
    <span class="changed-by" title=${`Last changed by ${hook.updatedBy} at ${exact}`}>
      ${hook.updatedBy}, <time datetime=${hook.updatedAt}>${ago(hook.updatedAt)}</time>
    </span>
  `;
}
