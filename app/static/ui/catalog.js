// The events and flow schema types with their labels, read from the API (introspection
// is off in production, so the enum descriptions are not available to a screen).
import { useEffect, useState } from "preact/hooks";
import { request } from "./api.js";
import { CATALOG } from "./documents.js";

const loaded = new Map();

export function useCatalog(token) {
  const [catalog, setCatalog] = useState(() => loaded.get(token) ?? { events: [], types: [], error: null });
  useEffect(() => {
    if (loaded.has(token)) return;
    let live = true;
    request(token, CATALOG).then(
      (data) => {
        const value = { events: data.queueHookEvents, types: data.flowSchemaTypes, error: null };
        loaded.set(token, value);
        if (live) setCatalog(value);
      },
      (error) => live && setCatalog({ events: [], types: [], error: error.message }),
    );
    return () => {
      live = false;
    };
  }, [token]);
  return catalog;
}

export function labelOf(items, value) {
  return items.find((item) => item.value === value)?.label ?? value;
}
