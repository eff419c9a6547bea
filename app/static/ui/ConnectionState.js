// Whether the registry is live: the socket's state in words.
import { html } from "./html.js";

const WORDS = {
  connecting: "Connecting...",
  live: "Live",
  reconnecting: "Reconnecting...",
  refused: "Not live: the token was refused",
  ended: "Not live: the queue was deleted",
};

export function ConnectionState({ state }) {
  return html`
    <span class=${`connection ${state}`} role="status" aria-label="Connection">
      <span class="dot" aria-hidden="true"></span>${WORDS[state] ?? state}
    </span>
  `;
}
