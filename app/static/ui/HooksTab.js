// The Hooks tab of one queue: toolbar, filters, registry, pagination, recent changes,
// kept live by the queue's change feed. Rows are keyed by hook id and version.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, readRetrying, request } from "./api.js";
import { ActivityPanel } from "./ActivityPanel.js";
import { BulkRemove } from "./BulkRemove.js";
import { ConfirmRemoval } from "./ConfirmRemoval.js";
import { ConnectionState } from "./ConnectionState.js";
import { CreationTool } from "./CreationTool.js";
import { DELETE_HOOKS, HOOK, HOOKS_PAGE } from "./documents.js";
import { Filters } from "./Filters.js";
import { html } from "./html.js";
import { QueueFeed } from "./live.js";
import { Pagination } from "./Pagination.js";
import { hookName, Registry } from "./Registry.js";
import { hooksPath, navigate } from "./router.js";

const HIGHLIGHT_MS = 2000;
const NOTICE_MS = 8000;
const NEXT_ORDER = { undefined: "ASC", ASC: "DESC", DESC: undefined };

// Whether an update can be applied in place, or moves the row in or out of the page.
function staysInPlace(old, hook, order, filter) {
  if (filter.event && hook.event !== filter.event) return false;
  if (filter.enabled !== null && hook.enabled !== filter.enabled) return false;
  const field = order?.field ?? "EVENT";
  if (field === "EVENT") return old.event === hook.event;
  if (field === "FLOW_SCHEMA_NAME") return old.flowSchema.name === hook.flowSchema.name;
  if (field === "ENABLED") return old.enabled === hook.enabled;
  return true;
}

export function HooksTab({ token, queueId, dialog, catalog, permissions, onRefused }) {
  const readOnly = !permissions.has("queues:write");
  const [queue, setQueue] = useState(null);
  const [page, setPage] = useState({ nodes: [], pageInfo: null, totalCount: 0 });
  const [pageSize, setPageSize] = useState(10);
  const [order, setOrder] = useState(null);
  const [filter, setFilter] = useState({ event: null, enabled: null });
  const [cursor, setCursor] = useState({ offset: 0 });
  const [selection, setSelection] = useState(() => new Set());
  const [highlighted, setHighlighted] = useState(() => new Set());
  const [busy, setBusy] = useState(true);
  const [trouble, setTrouble] = useState(null);
  const [failure, setFailure] = useState(null);
  const [connection, setConnection] = useState("connecting");
  const [removal, setRemoval] = useState(null);
  const [notice, setNotice] = useState(null);
  const [editing, setEditing] = useState(null);
  const [missing, setMissing] = useState(false); // the link names no queue of this tenant
  const [linkProblem, setLinkProblem] = useState(null);
  const [focusRow, setFocusRow] = useState(null); // where focus goes after a removal
  const table = useRef(null);

  // Mutable state the feed's callbacks read without re-subscribing.
  const view = useRef({});
  view.current = { page, order, filter, cursor, pageSize, queue };
  const own = useRef(new Map()); // hook id -> newest version this page wrote itself
  const reads = useRef(0);
  const reloadQueued = useRef(null);
  const abort = useRef(new AbortController());

  function variables(at) {
    const { filter, order, pageSize } = view.current;
    const events = filter.event ? [filter.event] : null;
    const hooksFilter = events || filter.enabled !== null ? { events, enabled: filter.enabled } : null;
    const paging = at.before ? { last: pageSize, before: at.before } : at.last ? { last: pageSize } : { first: pageSize, after: at.after ?? null };
    return { queueId, ...paging, filter: hooksFilter, orderBy: order };
  }

  async function read(at = view.current.cursor, { resubscribe = false } = {}) {
    const ticket = (reads.current += 1);
    setBusy(true);
    try {
      const data = await readRetrying(token, HOOKS_PAGE, variables(at), setTrouble, abort.current.signal);
      if (ticket !== reads.current) return;
      if (!data.queue) {
        setMissing(true);
        feed.stop();
        return;
      }
      const hooks = data.queue.hooks;
      if (hooks.nodes.length === 0 && at.offset > 0) {
        // The last page emptied (rows removed): step back to the page before it.
        read({ last: true, offset: 1 });
        return;
      }
      setQueue({ id: data.queue.id, name: data.queue.name, revision: data.queue.revision });
      setPage(hooks);
      // Only rows on screen stay selected: a bulk removal never takes rows the user cannot see.
      setSelection((ids) => new Set(hooks.nodes.map((hook) => hook.id).filter((id) => ids.has(id))));
      const offset = !hooks.pageInfo.hasPreviousPage ? 0 : at.last ? hooks.totalCount - hooks.nodes.length : at.offset;
      setCursor({ ...at, offset });
      setFailure(null);
      if (resubscribe) feed.start(data.queue.revision);
    } catch (error) {
      if (ticket !== reads.current || abort.current.signal.aborted) return;
      if (error instanceof ApiError && error.kind === "unauthenticated") onRefused(error.message);
      // Before the queue was ever read, a bad input can only be the queue id in the link.
      else if (error instanceof ApiError && error.code === "BAD_USER_INPUT" && !view.current.queue) setMissing(true);
      else setFailure(error.message);
    } finally {
      if (ticket === reads.current) setBusy(false);
    }
  }

  // Coalesce the re-reads a burst of changes asks for into one.
  function reload() {
    if (reloadQueued.current) return;
    reloadQueued.current = setTimeout(() => {
      reloadQueued.current = null;
      read();
    }, 50);
  }

  function flash(id) {
    setHighlighted((ids) => new Set(ids).add(id));
    setTimeout(() => setHighlighted((ids) => {
      const rest = new Set(ids);
      rest.delete(id);
      return rest;
    }), HIGHLIGHT_MS);
  }

  function applyChange(change) {
    const { page: shown, order: sort, filter: filtering } = view.current;
    setQueue((q) => (q && change.revision > q.revision ? { ...q, revision: change.revision } : q));
    const mine = own.current.has(change.hookId) && (change.kind === "DELETED" || change.hook.version <= own.current.get(change.hookId));
    if (!mine) flash(change.hookId);
    // The editor follows its hook (it decides what to do with a newer version).
    setEditing((hook) =>
      hook?.id !== change.hookId ? hook
        : change.kind === "DELETED" ? { ...hook, removed: true }
        : change.hook.version > hook.version ? change.hook : hook);
    if (change.kind === "DELETED") {
      setSelection((ids) => {
        const rest = new Set(ids);
        rest.delete(change.hookId);
        return rest;
      });
      setPage((p) => ({ ...p, nodes: p.nodes.filter((hook) => hook.id !== change.hookId) }));
      reload();
      return;
    }
    const old = shown.nodes.find((hook) => hook.id === change.hookId);
    if (change.kind === "UPDATED" && old && staysInPlace(old, change.hook, sort, filtering)) {
      setPage((p) => ({
        ...p,
        nodes: p.nodes.map((hook) => (hook.id === change.hookId && change.hook.version > hook.version ? change.hook : hook)),
      }));
    } else {
      reload();
    }
  }

  const feed = useMemo(
    () =>
      new QueueFeed({
        token,
        queueId,
        onChange: (change) => applyChange(change),
        onResync: () => read(view.current.cursor, { resubscribe: true }),
        onState: setConnection,
      }),
    [token, queueId],
  );

  useEffect(() => {
    abort.current = new AbortController();
    read({ offset: 0 }, { resubscribe: true });
    return () => {
      abort.current.abort();
      feed.stop();
      clearTimeout(reloadQueued.current);
    };
  }, [feed]);

  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    read({ offset: 0 });
  }, [pageSize, order, filter]);

  useEffect(() => {
    if (connection === "refused") onRefused("The server refused the token for live updates.");
  }, [connection]);

  // The edit deep link: the hook may not be on this page, so read it by id.
  useEffect(() => {
    setEditing(null);
    setLinkProblem(null);
    if (dialog?.kind !== "edit") return;
    const shown = page.nodes.find((hook) => hook.id === dialog.hookId);
    if (shown) {
      setEditing(shown);
      return;
    }
    request(token, HOOK, { id: dialog.hookId }).then(
      (data) => {
        if (!data.queueHook) setNotice("That hook does not exist any more.");
        // Global ids are canonical: one queue, one spelling.
        else if (data.queueHook.queue.id !== queueId) setLinkProblem("That hook is not in this queue.");
        else setEditing(data.queueHook);
      },
      (error) => setLinkProblem(error.message),
    );
  }, [dialog?.kind, dialog?.hookId]);

  // A notice says what just happened; it goes once it is old news.
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  // After a removal the removed row's place (or the table, when none is left) takes focus.
  useEffect(() => {
    if (!focusRow || !table.current) return;
    const rows = table.current.querySelectorAll("tbody tr[data-hook-id]");
    const row = rows[Math.min(focusRow.index, rows.length - 1)];
    (row?.querySelector("input, button") ?? table.current).focus();
  }, [focusRow]);

  function remember(hook) {
    own.current.set(hook.id, hook.version);
  }

  function saved(hook, disabledHook = null) {
    for (const written of [hook, disabledHook]) {
      if (!written) continue;
      remember(written);
      setPage((p) => ({ ...p, nodes: p.nodes.map((row) => (row.id === written.id && written.version > row.version ? written : row)) }));
    }
  }

  function savedFromDialog(hook) {
    remember(hook);
    const added = dialog?.kind === "new";
    setNotice(`${added ? "Added" : "Saved"} ${hookName(hook, catalog.events)}.`);
    navigate(hooksPath(queueId));
    read();
  }

  async function remove() {
    const ids = removal.ids;
    const place = Math.max(0, view.current.page.nodes.findIndex((hook) => ids.includes(hook.id)));
    setRemoval({ ...removal, busy: true, error: null });
    try {
      const data = await request(token, DELETE_HOOKS, { ids });
      const result = data.deleteQueueHooks;
      if (result.__typename !== "DeleteQueueHooksSuccess") {
        setRemoval({ ids, busy: false, error: result.message });
        return;
      }
      for (const id of result.deletedIds) own.current.set(id, Infinity);
      setSelection((selected) => new Set([...selected].filter((id) => !ids.includes(id))));
      setRemoval(null);
      setNotice(`Deleted ${ids.length} ${ids.length === 1 ? "hook" : "hooks"}.`);
      await read();
      setFocusRow({ index: place });
    } catch (error) {
      setRemoval({ ids, busy: false, error: `${error.message} Nothing was deleted; try again.` });
    }
  }

  function selectPage(checked) {
    setSelection((ids) => {
      const next = new Set(ids);
      for (const hook of page.nodes) checked ? next.add(hook.id) : next.delete(hook.id);
      return next;
    });
  }

  function sortBy(field) {
    const direction = order?.field === field ? NEXT_ORDER[order.direction] : "ASC";
    setOrder(direction ? { field, direction } : null);
  }

  const refresh = () => read(cursor, { resubscribe: true });
  const title = queue ? queue.name : "Queue";

  if (missing) {
    return html`
      <section class="hooks-tab" aria-labelledby="tab-title">
        <h1 id="tab-title">No such queue</h1>
        <p>This link names no queue of your tenant: the queue was deleted, or the link is wrong.</p>
        <p><a href="#/">Back to the queue list</a></p>
      </section>
    `;
  }

  return html`
    <section class="hooks-tab" aria-labelledby="tab-title">
      <header class="tab-header">
        <a href="#/">Queues</a>
        <h1 id="tab-title">${title} — Hooks</h1>
        <${ConnectionState} state=${connection} />
      </header>
      ${trouble && html`<p class="trouble" role="alert">${trouble}</p>`}
      ${failure && html`<p class="error" role="alert">${failure}</p>`}
      ${linkProblem && html`<p class="error" role="alert">${linkProblem}</p>`}
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
      ${readOnly && html`<p class="read-only">Read-only: your token does not have the queues:write permission.</p>`}
      <div class="toolbar" role="toolbar" aria-label="Hook tools">
        ${!readOnly && html`<button type="button" class="primary" onClick=${() => navigate(`${hooksPath(queueId)}/new`)}>Add hook</button>`}
        <button type="button" onClick=${refresh}>Refresh</button>
        ${!readOnly && selection.size > 0 &&
        html`<${BulkRemove} count=${selection.size} onClick=${() => setRemoval({ ids: [...selection] })} />`}
        <${Filters} events=${catalog.events} filter=${filter} onChange=${setFilter} />
      </div>
      <${Registry} token=${token} hooks=${page.nodes} events=${catalog.events} selection=${selection}
                   order=${order} readOnly=${readOnly} busy=${busy} highlighted=${highlighted}
                   offset=${cursor.offset} tableRef=${table}
                   onSelect=${(id, checked) =>
                     setSelection((ids) => {
                       const next = new Set(ids);
                       checked ? next.add(id) : next.delete(id);
                       return next;
                     })}
                   onSelectPage=${selectPage} onSort=${sortBy} onSaved=${saved} onStale=${() => read()}
                   onEdit=${(hook) => navigate(hooksPath(queueId, hook.id))}
                   onRemove=${(hook) => setRemoval({ ids: [hook.id] })} />
      <${Pagination} pageSize=${pageSize} offset=${cursor.offset} shown=${page.nodes.length}
                     total=${page.totalCount} pageInfo=${page.pageInfo} onPageSize=${setPageSize}
                     onPrevious=${() => read({ before: page.pageInfo.startCursor, offset: Math.max(0, cursor.offset - pageSize) })}
                     onNext=${() => read({ after: page.pageInfo.endCursor, offset: cursor.offset + page.nodes.length })} />
      ${queue && html`<${ActivityPanel} token=${token} queueId=${queueId} revision=${queue?.revision} events=${catalog.events} />`}
      ${removal &&
      html`<${ConfirmRemoval} count=${removal.ids.length} queueName=${title} busy=${removal.busy}
                              error=${removal.error} onConfirm=${remove} onCancel=${() => setRemoval(null)} />`}
      ${!readOnly && queue && (dialog?.kind === "new" || (dialog?.kind === "edit" && editing)) &&
      html`<${CreationTool} key=${dialog.kind === "new" ? "new" : editing.id} token=${token} queue=${queue}
                            hook=${dialog.kind === "new" ? null : editing} catalog=${catalog}
                            canReadFlows=${permissions.has("flows:read")}
                            onClose=${() => navigate(hooksPath(queueId))} onSaved=${savedFromDialog} />`}
    </section>
  `;
}
