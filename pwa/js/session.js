// Who is signed in: GET /me online (fresh CSRF token), the last known user offline.

import { ApiError, getJson, LOGIN_URL, setCsrfToken } from "./api.js";
import { clear, getMeta, setMeta } from "./db.js";

let current = null;

/** The signed-in user ({id, name, email, role, language}) or null before start(). */
export function user() {
  return current;
}

/** Send the browser to the back office's sign-in page, coming back to the app. */
export function goToLogin() {
  window.location.assign(LOGIN_URL);
}

/**
 * Ask the server who is signed in (and for a fresh CSRF token). Rejects with ApiError 401 when
 * the session is gone, status 0 when offline. Another user than last time: forget the old one's jobs.
 */
export async function refresh() {
  const me = await getJson("/me");
  setCsrfToken(me.csrf_token);
  const known = await getMeta("user");
  if (known && known.id !== me.id) await clear(["jobs"]);
  const { csrf_token: _token, ...profile } = me;
  await setMeta("user", profile);
  current = profile;
  return profile;
}

/**
 * Start: the server's answer when online; offline, the user remembered from the last visit.
 * Resolves null when the browser is being sent to the sign-in page.
 */
export async function start() {
  try {
    return await refresh();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      goToLogin();
      return null;
    }
    if (error instanceof ApiError && error.status === 403) throw error;
    current = await getMeta("user");
    if (!current) throw error;
    return current;
  }
}
