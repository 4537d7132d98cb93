// The /api/v1 client (in the page and in the service worker): same-origin session, CSRF header on
// changes, problem+json errors.

export const BASE = "/api/v1";
export const LOGIN_URL = "/login?next=/app/";

let csrfToken = null;

/** Remember the CSRF token from GET /me (sent as X-CSRFToken on every POST). */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** The current CSRF token (for the sign-out form). */
export function csrfTokenValue() {
  return csrfToken;
}

/** An HTTP answer that is not a success: `status` 0 means the network failed (or a captive portal). */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || (status ? `HTTP ${status}` : "Network error"));
    this.status = status;
    this.problem = problem;
  }
}

function isJson(contentType) {
  return /^application\/(problem\+)?json\b/i.test(contentType || "");
}

/** The problem+json of a failed answer, or a minimal one made from its status. */
function problemFrom(status, contentType, text) {
  if (isJson(contentType)) {
    try { return JSON.parse(text); } catch { /* fall through */ }
  }
  return { status, title: `HTTP ${status}` };
}

/**
 * Interpret an answer. A 2xx counts only when it is our JSON from our URL: a captive portal's
 * "200 OK" login page must not count as delivered.
 */
function interpret({ status, contentType, text, redirected, headers }) {
  if (status >= 200 && status < 300) {
    if (redirected || (text && !isJson(contentType))) throw new ApiError(0, { title: "Unexpected answer" });
    return { status, body: text ? JSON.parse(text) : null };
  }
  const error = new ApiError(status, problemFrom(status, contentType, text));
  error.retryAfter = Number(headers("Retry-After")) || null;
  throw error;
}

/**
 * Send a request; resolves `{status, body}` or rejects with ApiError.
 * `json` is sent as JSON, `form` (FormData) as multipart.
 */
export async function request(method, path, { json, form, idempotencyKey, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken || "";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  if (json !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers, signal, credentials: "same-origin", cache: "no-store",
      body: json === undefined ? form : JSON.stringify(json),
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { title: "Network error", detail: String(error.message || error) });
  }
  let text = "";
  try { text = await response.text(); } catch { throw new ApiError(0, { title: "Connection lost" }); }
  return interpret({
    status: response.status, contentType: response.headers.get("Content-Type"), text,
    redirected: response.redirected, headers: (name) => response.headers.get(name),
  });
}

/** GET a JSON resource. */
export async function getJson(path) {
  return (await request("GET", path)).body;
}

function formData(fields) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(name, value, value.name || `${name}.jpg`);
    else if (value !== undefined && value !== null) form.append(name, value);
  }
  return form;
}

/**
 * POST multipart form data: `fields` is {name: string | Blob}; onProgress(loaded, total).
 * In a page with XMLHttpRequest, so that upload progress can be shown; in the service worker (which has
 * no XMLHttpRequest) with fetch, without progress.
 */
export function upload(path, fields, { idempotencyKey, onProgress } = {}) {
  const form = formData(fields);
  if (typeof XMLHttpRequest === "undefined") return request("POST", path, { form, idempotencyKey });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", BASE + path);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrfToken || "");
    if (idempotencyKey) xhr.setRequestHeader("Idempotency-Key", idempotencyKey);
    xhr.upload.onprogress = (event) => { if (event.lengthComputable && onProgress) onProgress(event.loaded, event.total); };
    xhr.onerror = () => reject(new ApiError(0, { title: "Network error" }));
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = xhr.onerror;
    xhr.onload = () => {
      try {
        resolve(interpret({
          status: xhr.status, contentType: xhr.getResponseHeader("Content-Type"), text: xhr.responseText,
          redirected: !xhr.responseURL.endsWith(BASE + path), headers: (name) => xhr.getResponseHeader(name),
        }));
      } catch (error) {
        reject(error);
      }
    };
    xhr.send(form);
  });
}
