// One queue's changes over graphql-transport-ws, resumed from the last revision seen.
// graphql-ws's own retry would resubscribe with the first variables (replaying from the
// original revision), so reconnection is done here, with backoff, from `revision`.
import { createClient } from "graphql-ws";
import { backoff } from "./api.js";
import { HOOK_CHANGES } from "./documents.js";

const REFUSED = new Set([4401, 4403, 4400]);

export function socketUrl() {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
}

// states: "connecting", "live", "reconnecting", "refused" (token), "ended" (queue gone)
export class QueueFeed {
  constructor({ token, queueId, onChange, onResync, onState }) {
    Object.assign(this, { token, queueId, onChange, onResync, onState });
    this.revision = null;
    this.attempt = 0;
    this.client = null;
    this.timer = null;
    this.stopped = true;
  }

  // Follow changes after `revision` (the one read with the list); restarts if running.
  start(revision) {
    this.stop();
    this.stopped = false;
    this.revision = revision;
    this.attempt = 0;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.client?.dispose();
    this.client = null;
  }

  connect() {
    this.onState(this.attempt === 0 ? "connecting" : "reconnecting");
    const client = createClient({
      url: socketUrl(),
      retryAttempts: 0,
      connectionParams: { Authorization: `Bearer ${this.token}` },
      on: {
        connected: () => {
          this.attempt = 0;
          this.onState("live");
        },
      },
    });
    this.client = client;
    client.subscribe(
      { query: HOOK_CHANGES, variables: { queueId: this.queueId, afterRevision: this.revision } },
      {
        next: ({ data, errors }) => {
          if (client !== this.client) return;
          if (errors?.length) {
            this.end(errors[0].extensions?.code === "UNAUTHENTICATED" ? "refused" : "ended");
            return;
          }
          const event = data.queueHooksChanged;
          if (event.__typename === "QueueHooksResyncRequired") {
            this.stop();
            this.onResync(event);
            return;
          }
          if (event.revision > this.revision) this.revision = event.revision;
          this.onChange(event);
        },
        error: (error) => {
          if (client !== this.client) return;
          if (REFUSED.has(error?.code)) this.end("refused");
          else this.retry();
        },
        // The server completes the subscription when the queue is deleted.
        complete: () => {
          if (client === this.client && !this.stopped) this.end("ended");
        },
      },
    );
  }

  retry() {
    this.client?.dispose();
    this.client = null;
    if (this.stopped) return;
    this.onState("reconnecting");
    this.timer = setTimeout(() => this.connect(), backoff(this.attempt));
    this.attempt += 1;
  }

  end(state) {
    this.stop();
    this.onState(state);
  }
}
