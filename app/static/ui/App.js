// The whole screen: a token, then the queue list or a queue's Hooks tab.
import { useState } from "preact/hooks";
import { useCatalog } from "./catalog.js";
import { HooksTab } from "./HooksTab.js";
import { html } from "./html.js";
import { QueueList } from "./QueueList.js";
import { useRoute } from "./router.js";
import { forgetToken, keepToken, permissionsOf, storedToken } from "./session.js";
import { TokenPrompt } from "./TokenPrompt.js";

function Signed({ token, onRefused, onSignOut }) {
  const route = useRoute();
  const catalog = useCatalog(token);
  const permissions = permissionsOf(token);
  return html`
    <div class="app">
      <nav class="top" aria-label="Main">
        <a href="#/" class="brand">Queue hooks</a>
        <a href="/graphql">GraphiQL</a>
        <button type="button" class="link" onClick=${onSignOut}>Forget token</button>
      </nav>
      <main>
        ${route.view === "hooks"
          ? html`<${HooksTab} key=${route.queueId} token=${token} queueId=${route.queueId}
                              dialog=${route.dialog} catalog=${catalog} permissions=${permissions}
                              onRefused=${onRefused} />`
          : html`<${QueueList} token=${token} onRefused=${onRefused} />`}
      </main>
    </div>
  `;
}

export function App() {
  const [token, setToken] = useState(storedToken);
  const [reason, setReason] = useState(null);
  if (!token) {
    return html`<${TokenPrompt} reason=${reason} onToken=${(value) => {
      keepToken(value);
      setReason(null);
      setToken(value);
    }} />`;
  }
  return html`<${Signed} token=${token}
    onRefused=${(message) => {
      forgetToken();
      setReason(`The token was refused: ${message}`);
      setToken(null);
    }}
    onSignOut=${() => {
      forgetToken();
      setReason(null);
      setToken(null);
    }} />`;
}
