// The flow schema dropdown that doubles as a search field: prefix search as you type
// (SERVICE and DEFAULT, newest first), more results as you scroll. The chosen schema is
// always the one the field shows: typing drops the choice until one is picked again.
import { useEffect, useRef, useState } from "preact/hooks";
import { request } from "./api.js";
import { labelOf } from "./catalog.js";
import { FLOW_SCHEMAS } from "./documents.js";
import { html } from "./html.js";

export function FlowSchemaSearch({ token, value, onChange, allowed, types, error, inputId }) {
  const [text, setText] = useState(value?.name ?? "");
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState({ nodes: [], pageInfo: null, search: null });
  const [active, setActive] = useState(-1);
  const [problem, setProblem] = useState(null);
  const list = useRef(null);
  const loading = useRef(false);
  const latest = useRef(0); // answers to an older search are dropped

  const search = text === (value?.name ?? "") ? "" : text;

  // A choice made outside (the editor taking another window's version) shows here too.
  useEffect(() => {
    if (value) setText(value.name);
  }, [value?.id]);

  async function load(after) {
    const ticket = after ? latest.current : (latest.current += 1);
    loading.current = true;
    try {
      const data = await request(token, FLOW_SCHEMAS, { search: search || null, after });
      if (ticket !== latest.current) return;
      const page = data.flowSchemas;
      setResults((previous) => ({
        nodes: after ? [...previous.nodes, ...page.nodes] : page.nodes,
        pageInfo: page.pageInfo,
        search,
      }));
      setProblem(null);
    } catch (failure) {
      setProblem(failure.message);
    } finally {
      loading.current = false;
    }
  }

  useEffect(() => {
    if (!open || !allowed) return;
    const timer = setTimeout(() => load(null), 150);
    setActive(-1);
    return () => clearTimeout(timer);
  }, [search, open, allowed]);

  function choose(schema) {
    onChange(schema);
    setText(schema.name);
    setOpen(false);
  }

  function onScroll(event) {
    const box = event.currentTarget;
    if (box.scrollTop + box.clientHeight >= box.scrollHeight - 24 && results.pageInfo?.hasNextPage && !loading.current) {
      load(results.pageInfo.endCursor);
    }
  }

  function onKeyDown(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((index) => Math.max(0, Math.min(results.nodes.length - 1, index + step)));
    } else if (event.key === "Enter") {
      // Never submits the form: Enter picks the highlighted result or does nothing.
      event.preventDefault();
      if (open && results.nodes[active]) choose(results.nodes[active]);
    } else if (event.key === "Escape" && open) {
      event.stopPropagation();
      setOpen(false);
    }
  }

  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active]);

  if (!allowed) {
    // A control for the label to name, disabled, and described by the reason.
    return html`
      <div class="combobox">
        <input id=${inputId} type="text" role="combobox" aria-expanded="false" disabled
               aria-describedby=${`${inputId}-unavailable`} placeholder="Unavailable" />
        <p class="unavailable" id=${`${inputId}-unavailable`}>
          Flow schemas are unavailable: your token does not have the flows:read permission.
        </p>
      </div>`;
  }
  const listId = `${inputId}-options`;
  return html`
    <div class="combobox">
      <input id=${inputId} type="text" role="combobox" autocomplete="off"
             aria-expanded=${open ? "true" : "false"} aria-controls=${listId} aria-autocomplete="list"
             aria-activedescendant=${active >= 0 ? `${listId}-${active}` : undefined}
             aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? `${inputId}-error` : undefined}
             placeholder="Search flow schemas" value=${text}
             onInput=${(e) => {
               setText(e.currentTarget.value);
               setOpen(true);
               if (value) onChange(null);
             }}
             onFocus=${() => setOpen(true)} onBlur=${() => setOpen(false)} onKeyDown=${onKeyDown} />
      ${open &&
      html`<ul id=${listId} role="listbox" aria-label="Flow schemas" class="listbox" ref=${list} onScroll=${onScroll}>
        ${results.nodes.map(
          (schema, index) => html`
            <li id=${`${listId}-${index}`} data-index=${index} role="option"
                aria-selected=${value?.id === schema.id ? "true" : "false"}
                class=${index === active ? "active" : ""}
                onMouseDown=${(e) => {
                  e.preventDefault();
                  choose(schema);
                }}>
              <span>${schema.name}</span><span class="badge">${labelOf(types, schema.type)}</span>
            </li>`,
        )}
        ${results.nodes.length === 0 && results.search === search &&
        html`<li class="none" role="presentation">No flow schema starts with “${search}”.</li>`}
      </ul>`}
      ${problem && html`<p class="error" role="alert">${problem}</p>`}
      ${error && html`<p class="error" role="alert" id=${`${inputId}-error`}>${error}</p>`}
    </div>
  `;
}
