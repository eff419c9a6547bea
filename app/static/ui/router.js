// Deep links in the hash: #/queues/<id>/hooks, .../hooks/new, .../hooks/<hookId>.
import { useEffect, useState } from "preact/hooks";

export function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "queues" && parts[1] && parts[2] === "hooks") {
    const dialog = parts[3] === "new" ? { kind: "new" } : parts[3] ? { kind: "edit", hookId: parts[3] } : null;
    return { view: "hooks", queueId: parts[1], dialog };
  }
  return { view: "queues" };
}

export function hooksPath(queueId, hookId = null) {
  const base = `#/queues/${encodeURIComponent(queueId)}/hooks`;
  return hookId ? `${base}/${encodeURIComponent(hookId)}` : base;
}

export function navigate(path) {
  if (location.hash !== path) location.hash = path;
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}
