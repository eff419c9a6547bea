// Page size, previous/next and the total; the keyset cursors live in HooksTab.
import { html } from "./html.js";

export const PAGE_SIZES = [10, 25, 50, 100];

export function Pagination({ pageSize, offset, shown, total, pageInfo, onPageSize, onPrevious, onNext }) {
  const first = shown ? offset + 1 : 0;
  return html`
    <nav class="pagination" aria-label="Pagination">
      <label>
        Rows per page
        <select value=${pageSize} onChange=${(e) => onPageSize(Number(e.currentTarget.value))}>
          ${PAGE_SIZES.map((size) => html`<option value=${size}>${size}</option>`)}
        </select>
      </label>
      <span class="range" aria-live="polite">${first}–${offset + shown} of ${total}</span>
      <button type="button" disabled=${!pageInfo?.hasPreviousPage} onClick=${onPrevious}>Previous page</button>
      <button type="button" disabled=${!pageInfo?.hasNextPage} onClick=${onNext}>Next page</button>
    </nav>
  `;
}
