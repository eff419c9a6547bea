// The bulk-remove tool, shown while rows are selected; its tooltip says how many.
import { html } from "./html.js";

export function BulkRemove({ count, onClick }) {
  const text = `Delete ${count} selected ${count === 1 ? "hook" : "hooks"}`;
  return html`
    <span class="has-tooltip">
      <button type="button" class="danger" aria-describedby="bulk-remove-tip" onClick=${onClick}>
        Delete selected (${count})
      </button>
      <span role="tooltip" id="bulk-remove-tip" class="tooltip">${text}</span>
    </span>
  `;
}
