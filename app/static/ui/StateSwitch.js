// The State switch: flips at once, sends the version it flipped from, and flips back if
// the server refuses. A duplicate enabled event offers the atomic swap as one action.
import { useRef, useState } from "preact/hooks";
import { request } from "./api.js";
import { labelOf } from "./catalog.js";
import { REPLACE_ENABLED, SET_ENABLED } from "./documents.js";
import { html } from "./html.js";

// The screen's own words: the server's message names enum values and advice for the editor.
function duplicateMessage(result, events) {
  const other = result.enabledHook?.flowSchema.name ?? "Another hook";
  return `${other} is already enabled for ${labelOf(events, result.event)}. Only one hook per event can be enabled.`;
}

export function StateSwitch({ token, hook, name, events, readOnly, onSaved, onStale }) {
  const [shown, setShown] = useState(null); // the flipped value while the server decides
  const [problem, setProblem] = useState(null);
  const enabled = shown ?? hook.enabled;
  const busy = shown !== null;
  const control = useRef(null);

  // The message's buttons go with the message: focus goes back to the switch first.
  function closeProblem() {
    control.current?.focus();
    setProblem(null);
  }

  async function send(document, variables, wanted) {
    setShown(wanted);
    closeProblem();
    try {
      const data = await request(token, document, variables);
      const result = data.setQueueHookEnabled;
      if (result.__typename === "SetQueueHookEnabledSuccess") {
        onSaved(result.hook, result.disabledHook ?? null);
      } else if (result.__typename === "DuplicateEnabledEventError") {
        setProblem({ message: duplicateMessage(result, events), other: result.enabledHook });
      } else {
        setProblem({ message: result.message });
        if (result.__typename === "VersionConflictError") onStale();
      }
    } catch (error) {
      setProblem({ message: `${error.message} The State was not changed.` });
    } finally {
      setShown(null);
    }
  }

  // Busy is aria-disabled, not disabled: disabling the focused switch would drop the focus.
  const flip = () =>
    !busy &&
    send(SET_ENABLED, { id: hook.id, enabled: !hook.enabled, expectedVersion: hook.version }, !hook.enabled);
  const replace = () => !busy && send(REPLACE_ENABLED, { id: hook.id, expectedVersion: hook.version }, true);

  return html`
    <div class="state">
      <button type="button" role="switch" class="switch" ref=${control} aria-checked=${enabled ? "true" : "false"}
              aria-label=${`State of ${name}`} disabled=${readOnly}
              aria-disabled=${busy ? "true" : undefined} aria-busy=${busy ? "true" : undefined} onClick=${flip}>
        <span class="knob" aria-hidden="true"></span>
        <span class="switch-text">${enabled ? "Enabled" : "Disabled"}</span>
      </button>
      ${problem &&
      html`<div class="switch-problem" role="alert">
        <span>${problem.message}</span>
        ${problem.other &&
        html`<button type="button" class="link" onClick=${replace}>
          Disable ${problem.other.flowSchema.name} and enable this one
        </button>`}
        <button type="button" class="link" aria-label="Dismiss the message" onClick=${closeProblem}>×</button>
      </div>`}
    </div>
  `;
}
