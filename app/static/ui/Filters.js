// Filter the registry by event and by state.
import { html } from "./html.js";

export function Filters({ events, filter, onChange }) {
  const state = filter.enabled === null ? "" : String(filter.enabled);
  return html`
    <div class="filters">
      <label>
        Event filter
        <select value=${filter.event ?? ""}
                onChange=${(e) => onChange({ ...filter, event: e.currentTarget.value || null })}>
          <option value="">All events</option>
          ${events.map((event) => html`<option value=${event.value}>${event.label}</option>`)}
        </select>
      </label>
      <label>
        State filter
        <select value=${state}
                onChange=${(e) => {
                  const value = e.currentTarget.value;
                  onChange({ ...filter, enabled: value === "" ? null : value === "true" });
                }}>
          <option value="">All states</option>
          <option value="true">Enabled</option>
          <option value="false">Disabled</option>
        </select>
      </label>
    </div>
  `;
}
