// A modal: labelled by its title, Escape closes it, Tab stays inside, focus returns after.
import { useLayoutEffect, useRef } from "preact/hooks";
import { html } from "./html.js";

let dialogs = 0;
const FOCUSABLE = "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, [tabindex='0']";

export function Dialog({ title, role = "dialog", onClose, children, describedBy }) {
  const box = useRef(null);
  const titleId = useRef(`dialog-title-${(dialogs += 1)}`).current;

  // A layout effect, not an effect: Preact runs effects after paint, so a user (or a test)
  // quick enough to focus a field first had it taken away when the dialog focused its
  // first control (seen: a flow schema search closed mid-typing on a busy machine).
  useLayoutEffect(() => {
    const opener = document.activeElement;
    const first = box.current.querySelector("[autofocus]") ?? box.current.querySelector(FOCUSABLE);
    first?.focus();
    return () => opener?.focus?.();
  }, []);

  function onKeyDown(event) {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
    } else if (event.key === "Tab") {
      const items = [...box.current.querySelectorAll(FOCUSABLE)];
      const [first, last] = [items[0], items[items.length - 1]];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  return html`
    <div class="backdrop" onMouseDown=${(e) => e.target === e.currentTarget && onClose()}>
      <div class="dialog" role=${role} aria-modal="true" aria-labelledby=${titleId}
           aria-describedby=${describedBy} ref=${box} onKeyDown=${onKeyDown}>
        <h2 id=${titleId}>${title}</h2>
        ${children}
      </div>
    </div>
  `;
}
