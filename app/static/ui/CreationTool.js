// The creation tool (also the editor): Event and Flow schema, State, Save. Save stays
// disabled while the form is invalid or unchanged; server errors show at their field. The
// editor follows another window's change to its hook: taken as is while the form is
// untouched, offered (never merged silently) once the user has changed something.
import { useEffect, useRef, useState } from "preact/hooks";
import { request } from "./api.js";
import { labelOf } from "./catalog.js";
import { Dialog } from "./Dialog.js";
import { CREATE_HOOK, HOOK, UPDATE_HOOK } from "./documents.js";
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
    default:
      return { form: result.message };
  }
}

const FIELD_ORDER = ["event", "flowSchema", "enabled"];
const FIELD_IDS = { event: "event", flowSchema: "flow-schema", enabled: "enabled" };

export function CreationTool({ token, queue, hook, catalog, canReadFlows, onClose, onSaved }) {
  const [base, setBase] = useState(hook); // the version of the hook the form is based on
  const [event, setEvent] = useState(hook?.event ?? "");
  const [schema, setSchema] = useState(hook?.flowSchema ?? null);
  const [enabled, setEnabled] = useState(hook?.enabled ?? true);
  const [problems, setProblems] = useState({});
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState(false); // someone else changed it since `base`
  const form = useRef(null);

  const changed = !base || event !== base.event || schema?.id !== base.flowSchema.id || enabled !== base.enabled;

  function adopt(fresh) {
    setBase(fresh);
    setEvent(fresh.event);
    setSchema(fresh.flowSchema);
    setEnabled(fresh.enabled);
    setStale(false);
    setProblems({});
  }

  // While a save runs, a newer version may be this window's own: wait for the answer.
  useEffect(() => {
    if (busy || !hook || !base || hook.removed || hook.version <= base.version) return;
    if (changed) setStale(true);
    else adopt(hook);
  }, [hook?.version, busy]);

  // Read by id: after a refused save this window may not have heard of the change yet.
  async function loadCurrent() {
    try {
      const data = await request(token, HOOK, { id: base.id });
      if (data.queueHook) adopt(data.queueHook);
      else setProblems({ form: "This hook was removed in another window." });
    } catch (error) {
      setProblems({ form: `${error.message} Try again.` });
    }
  }

  // A refused save puts focus on the field to fix (a form-wide error leaves it on Save),
  // so it never drops out of the dialog and Escape still closes it.
  useEffect(() => {
    const field = FIELD_ORDER.find((name) => problems[name]);
    if (field) form.current?.querySelector(`#hook-${FIELD_IDS[field]}`)?.focus();
  }, [problems]);

  const valid = event !== "" && schema !== null;
  const removed = Boolean(hook?.removed);

  // While a save runs, Save is aria-disabled rather than disabled: disabling the focused
  // button would drop the focus to the page.
  async function save(submit) {
    submit.preventDefault();
    if (!valid || !changed || busy || stale || removed) return;
    setBusy(true);
    setProblems({});
    try {
      let result;
      if (base) {
        const input = { id: base.id, expectedVersion: base.version };
        if (event !== base.event) input.event = event;
        if (schema.id !== base.flowSchema.id) input.flowSchemaId = schema.id;
        if (enabled !== base.enabled) input.enabled = enabled;
        result = (await request(token, UPDATE_HOOK, { input })).updateQueueHook;
      } else {
        const input = { queueId: queue.id, event, flowSchemaId: schema.id, enabled };
        result = (await request(token, CREATE_HOOK, { input })).createQueueHook;
      }
      if (result.hook) {
        setBase(result.hook);
        onSaved(result.hook);
      } else if (result.__typename === "VersionConflictError") setStale(true);
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
        ${removed && html`<p class="error" role="alert">This hook was removed in another window.</p>`}
        ${stale && !removed &&
        html`<div class="error" role="alert">
          Someone else changed this hook while you were editing it. Your changes are not saved.
          <button type="button" class="link" onClick=${loadCurrent}>Load their version</button>
        </div>`}
        <div class="actions">
          <button type="button" onClick=${onClose}>Cancel</button>
          <button type="submit" class="primary" disabled=${!valid || !changed || stale || removed}
                  aria-disabled=${busy ? "true" : undefined}>Save</button>
        </div>
      </form>
    <//>
  `;
}
