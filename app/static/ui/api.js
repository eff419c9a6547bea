// GraphQL over HTTP with the session's token; failures become one typed ApiError.
export class ApiError extends Error {
  // kind: "unavailable" (503, retry), "network" (no answer, retry), "unauthenticated"
  // (the token was refused), "forbidden", "rate-limited", or "graphql" (any other error).
  constructor(kind, message, code = null) {
    super(message);
    this.kind = kind;
    this.code = code;
  }

  get retryable() {
    return this.kind === "unavailable" || this.kind === "network" || this.kind === "rate-limited";
  }
}

export async function request(token, query, variables = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("network", "The server cannot be reached.");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: a proxy's error page; the status says enough.
  }
  const error = body?.errors?.[0];
  const code = error?.extensions?.code ?? null;
  if (response.status === 503 || code === "SERVICE_UNAVAILABLE") {
    throw new ApiError("unavailable", "The database is not available.", code);
  }
  if (response.status === 401 || code === "UNAUTHENTICATED") {
    throw new ApiError("unauthenticated", error?.message ?? "The token was refused.", code);
  }
  if (response.status === 429) {
    throw new ApiError("rate-limited", "Too many requests.", code);
  }
  if (code === "FORBIDDEN") {
    throw new ApiError("forbidden", error.message, code);
  }
  if (error || !body?.data) {
    throw new ApiError("graphql", error?.message ?? `The server answered ${response.status}.`, code);
  }
  return body.data;
}

// Reads are safe to repeat: wait and try again while the server or database is away.
export async function readRetrying(token, query, variables, onTrouble, signal) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const data = await request(token, query, variables);
      onTrouble(null);
      return data;
    } catch (error) {
      if (!(error instanceof ApiError) || !error.retryable || signal?.aborted) throw error;
      onTrouble(`${error.message} Retrying...`);
      await delay(backoff(attempt), signal);
    }
  }
}

export function backoff(attempt) {
  const ceiling = Math.min(3000, 250 * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new ApiError("network", "Stopped."));
    });
  });
}
