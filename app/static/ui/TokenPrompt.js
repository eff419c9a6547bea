// Outside development the page asks for a bearer token; it is kept for this tab only.
import { useState } from "preact/hooks";
import { html } from "./html.js";

export function TokenPrompt({ reason, onToken }) {
  const [text, setText] = useState("");
  function submit(event) {
    event.preventDefault();
    const token = text.trim().replace(/^Bearer\s+/i, "");
    if (token) onToken(token);
  }
  return html`
    <form class="token-prompt" onSubmit=${submit} aria-labelledby="token-title">
      <h1 id="token-title">Sign in</h1>
      <p>Paste a bearer token issued for your tenant. It is kept in this browser tab only.</p>
      ${reason && html`<p class="error" role="alert">${reason}</p>`}
      <label for="token">Bearer token</label>
      <textarea id="token" rows="4" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
      <button type="submit" class="primary" disabled=${!text.trim()}>Sign in</button>
    </form>
  `;
}
