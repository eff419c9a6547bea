// The creation tool (also the editor): Event and Flow schema, State, Save. Save stays
// disabled while the form is invalid or unchanged; server errors show at their field.
import { useEffect, useRef, useState } from "preact/hooks";
import { request } from "./api.js";
import { labelOf } from "./catalog.js";
import { Dialog } from "./Dialog.js";
import { CREATE_HOOK, UPDATE_HOOK } from "./documents.js";
import { FlowSchemaSearch } from "./FlowSchemaSearch.js";
import { html } from "./html.js";

function fieldOf(serverField) {
  if (/flowschema/i.test(serverField)) return "flowSchema";
  if (/event/i.test(serverField)) return "event";
  if (/enabled/i.test(serverField)) return "enabled";
  return "form";
}

export function problemsOf(result, events) {
  switch (result.__typename) {
    case "InvalidInputError":
      return { [fieldOf(result.field)]: result.message };
    case "FlowSchemaNotAllowedError":
      return { flowSchema: result.message };
    case "DuplicateEnabledEventError": {
      const other = result.enabledHook?.flowSchema.name ?? "another hook";
      return {
        enabled: `${other} is already enabled for ${labelOf(events, result.event)}. Save this one disabled, or disable ${other} first.`,
      };
    }
    case "VersionConflictError":
      return { form: `Someone changed this hook since you opened it. Close and open it again. (${result.message})` };
    default:
      return { form: result.message };
  }
}

const FIELD_ORDER = ["event", "flowSchema", "enabled"];
const FIELD_IDS = { event: "event", flowSchema: "flow-schema", enabled: "enabled" };

export function CreationTool({ token, queue, hook, catalog, canReadFlows, onClose, onSaved }) {
  const [event, setEvent] = useState(hook?.event ?? "");
  const [schema, setSchema] = useState(hook?.flowSchema ?? null);
  const [enabled, setEnabled] = useState(hook?.enabled ?? true);
  const [problems, setProblems] = useState({});
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  // A refused save puts focus on the field to fix (a form-wide error leaves it on Save),
  // so it never drops out of the dialog and Escape still closes it.
  useEffect(() => {
    const field = FIELD_ORDER.find((name) => problems[name]);
    if (field) form.current?.querySelector(`#hook-${FIELD_IDS[field]}`)?.focus();
  }, [problems]);

  const valid = event !== "" && schema !== null;
  const changed = !hook || event !== hook.event || schema?.id !== hook.flowSchema.id || enabled !== hook.enabled;

  // While a save runs, Save is aria-disabled rather than disabled: disabling the focused
  // button would drop the focus to the page.
  async function save(submit) {
    submit.preventDefault();
    if (!valid || !changed || busy) return;
    setBusy(true);
    setProblems({});
    try {
      let result;
      if (hook) {
        const input = { id: hook.id, expectedVersion: hook.version };
        if (event !== hook.event) input.event = event;
        if (schema.id !== hook.flowSchema.id) input.flowSchemaId = schema.id;
        if (enabled !== hook.enabled) input.enabled = enabled;
        result = (await request(token, UPDATE_HOOK, { input })).updateQueueHook;
      } else {
        const input = { queueId: queue.id, event, flowSchemaId: schema.id, enabled };
        result = (await request(token, CREATE_HOOK, { input })).createQueueHook;
      }
      if (result.hook) onSaved(result.hook);
      else setProblems(problemsOf(result, catalog.events));
    } catch (error) {
      setProblems({ form: `${error.message} Nothing was saved; try again.` });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (field) =>
    problems[field] && html`<p class="error" role="alert" id=${`hook-${field}-error`}>${problems[field]}</p>`;

  return html`
    <${Dialog} title=${hook ? "Edit hook" : "Add hook"} onClose=${onClose}>
      <form onSubmit=${save} noValidate ref=${form}>
        <div class="field">
          <label for="hook-event">Event</label>
          ${catalog.error
            ? html`<p class="error" role="alert">The events could not be loaded: ${catalog.error}</p>`
            : html`<select id="hook-event" value=${event} autofocus
                     aria-invalid=${problems.event ? "true" : "false"}
                     aria-describedby=${problems.event ? "hook-event-error" : undefined}
                     onChange=${(e) => setEvent(e.currentTarget.value)}>
                <option value="" disabled>Choose an event</option>
                ${catalog.events.map(
                  (item) => html`<option value=${item.value} title=${item.description}>${item.label}</option>`,
                )}
              </select>`}
          ${fieldError("event")}
        </div>
        <div class="field">
          <label for="hook-flow-schema">Flow schema</label>
          <${FlowSchemaSearch} token=${token} value=${schema} onChange=${setSchema} allowed=${canReadFlows}
                               types=${catalog.types} error=${problems.flowSchema} inputId="hook-flow-schema" />
        </div>
        <div class="field">
          <label>
            <input type="checkbox" id="hook-enabled" checked=${enabled} aria-invalid=${problems.enabled ? "true" : "false"}
                   aria-describedby=${problems.enabled ? "hook-enabled-error" : undefined}
                   onChange=${(e) => setEnabled(e.currentTarget.checked)} />
            Enabled
          </label>
          ${fieldError("enabled")}
        </div>
        ${problems.form && html`<p class="error" role="alert">${problems.form}</p>`}
        <div class="actions">
          <button type="button" onClick=${onClose}>Cancel</button>
          <button type="submit" class="primary" disabled=${!valid || !changed}
                  aria-disabled=${busy ? "true" : undefined}>Save</button>
        </div>
      </form>
    <//>
  `;
}
