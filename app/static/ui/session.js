// The bearer token: the demo token the server hands out in development, else the one
// the user pasted, kept for this browser tab only (sessionStorage).
const KEY = "queue-hooks.token";

function pageConfig() {
  const element = document.getElementById("config");
  return element ? JSON.parse(element.textContent) : {};
}

export function storedToken() {
  return sessionStorage.getItem(KEY) ?? pageConfig().demoToken ?? null;
}

export function keepToken(token) {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

// What the token allows, read from its `scope` claim, to hide what the server would
// refuse anyway (the server still checks every request).
export function permissionsOf(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload));
    return new Set(typeof claims.scope === "string" ? claims.scope.split(" ") : []);
  } catch {
    return new Set();
  }
}
