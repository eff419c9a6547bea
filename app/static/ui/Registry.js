// The registry: one row per hook, keyed by id; the header sorts and selects the page.
import { html } from "./html.js";
import { labelOf } from "./catalog.js";
import { StateSwitch } from "./StateSwitch.js";
import { ChangedBy } from "./ChangedBy.js";

const COLUMNS = [
  { field: "EVENT", title: "Event" },
  { field: "FLOW_SCHEMA_NAME", title: "Flow schema" },
  { field: "ENABLED", title: "State" },
  { field: "CREATED_AT", title: "Created" },
];

export function hookName(hook, events) {
  return `${labelOf(events, hook.event)}: ${hook.flowSchema.name}`;
}

function SortHeader({ column, order, onSort }) {
  const direction = order?.field === column.field ? order.direction : null;
  const sort = direction === "ASC" ? "ascending" : direction === "DESC" ? "descending" : "none";
  return html`
    <th scope="col" aria-sort=${sort}>
      <button type="button" class="sort" onClick=${() => onSort(column.field)}>
        ${column.title}<span aria-hidden="true">${{ ASC: " ▲", DESC: " ▼" }[direction] ?? ""}</span>
      </button>
    </th>
  `;
}

export function Registry(props) {
  const { hooks, events, selection, order, readOnly, busy, highlighted, offset } = props;
  const allSelected = hooks.length > 0 && hooks.every((hook) => selection.has(hook.id));
  const someSelected = hooks.some((hook) => selection.has(hook.id));
  const rows = hooks.map((hook, index) => {
    // Disabled duplicates share event and flow schema: the position (as in "11–20 of 30")
    // makes every row's control names unique.
    const name = `${hookName(hook, events)}, row ${offset + index + 1}`;
    return html`
      <tr key=${hook.id} class=${highlighted.has(hook.id) ? "changed" : ""} data-hook-id=${hook.id}>
        ${!readOnly &&
        html`<td>
          <input type="checkbox" aria-label=${`Select ${name}`} checked=${selection.has(hook.id)}
                 onChange=${(e) => props.onSelect(hook.id, e.currentTarget.checked)} />
        </td>`}
        <td>${labelOf(events, hook.event)}</td>
        <td>${hook.flowSchema.name}</td>
        <td>
          <${StateSwitch} key=${`${hook.id}`} token=${props.token} hook=${hook} name=${name} events=${events}
                          readOnly=${readOnly} onSaved=${props.onSaved} onStale=${props.onStale} />
        </td>
        <td><time datetime=${hook.createdAt}>${new Date(hook.createdAt).toLocaleString()}</time></td>
        <td><${ChangedBy} hook=${hook} /></td>
        ${!readOnly &&
        html`<td class="row-tools">
          <button type="button" class="icon" aria-label=${`Edit ${name}`}
                  onClick=${() => props.onEdit(hook)}>Edit</button>
          <button type="button" class="icon danger" aria-label=${`Remove ${name}`}
                  onClick=${() => props.onRemove(hook)}>Remove</button>
        </td>`}
      </tr>
    `;
  });
  return html`
    <table class="registry" aria-label="Hooks" aria-busy=${busy ? "true" : "false"} tabindex="-1"
           ref=${props.tableRef}>
      <thead>
        <tr>
          ${!readOnly &&
          html`<th scope="col">
            <input type="checkbox" aria-label="Select all hooks on this page" checked=${allSelected}
                   ref=${(el) => el && (el.indeterminate = someSelected && !allSelected)}
                   disabled=${hooks.length === 0}
                   onChange=${(e) => props.onSelectPage(e.currentTarget.checked)} />
          </th>`}
          ${COLUMNS.map((column) => html`<${SortHeader} column=${column} order=${order} onSort=${props.onSort} />`)}
          <th scope="col">Last change</th>
          ${!readOnly && html`<th scope="col"><span class="visually-hidden">Tools</span></th>`}
        </tr>
      </thead>
      <tbody>
        ${rows}
        ${hooks.length === 0 &&
        html`<tr><td colspan="8" class="empty">${busy ? "Loading..." : "No hooks here."}</td></tr>`}
      </tbody>
    </table>
  `;
}
