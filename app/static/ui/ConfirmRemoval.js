// "Delete 3 hooks?": every removal, single or bulk, is confirmed with its count.
import { html } from "./html.js";
import { Dialog } from "./Dialog.js";

export function hooksCount(count) {
  return `${count} ${count === 1 ? "hook" : "hooks"}`;
}

// While the removal runs the button is aria-disabled, not disabled: disabling the focused
// button would drop the focus out of the dialog (and Escape with it).
export function ConfirmRemoval({ count, queueName, busy, error, onConfirm, onCancel }) {
  return html`
    <${Dialog} title=${`Delete ${hooksCount(count)}?`} role="alertdialog"
               onClose=${onCancel} describedBy="confirm-removal-text">
      <p id="confirm-removal-text">
        ${hooksCount(count)} will be removed from ${queueName}. This cannot be undone.
      </p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="actions">
        <button type="button" onClick=${onCancel}>Cancel</button>
        <button type="button" class="danger" aria-disabled=${busy ? "true" : undefined}
                onClick=${() => !busy && onConfirm()}>
          Delete ${hooksCount(count)}
        </button>
      </div>
    <//>
  `;
}
