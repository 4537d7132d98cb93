// Who is signed in: GET /me online (fresh CSRF token), the last known user offline; on a shared phone,
// the names of those whose changes still wait, and what goes when one signs out.

import { ApiError, getJson, LOGIN_URL, setCsrfToken } from "./api.js";
import { clear, done, getMeta, setMeta, transaction } from "./db.js";

/** Meta key: {userId: name} of the technicians who used this phone, kept while their changes wait. */
export const PEOPLE = "people";

let current = null;

/** The signed-in user ({id, name, email, role, language}) or null before start(). */
export function user() {
  return current;
}

let leaving = false;

/** Send the browser to the back office's sign-in page, coming back to the app. */
export function goToLogin() {
  // Several requests may meet the expired session at once (the job refresh, the outbox): one
  // navigation, or each later one aborts the one before.
  if (leaving) return;
  leaving = true;
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

/** Remember the signed-in technician's name, for the notice others see about their waiting changes. */
export async function rememberSignedIn() {
  if (!current) return;
  const people = await getMeta(PEOPLE, {});
  if (people[current.id] !== current.name) await setMeta(PEOPLE, { ...people, [current.id]: current.name });
}

/**
 * On signing out: nothing of this technician's customers stays on a shared phone, their jobs and settings
 * go. Other technicians' queued changes stay, with their files and names, until they sign in again.
 */
export function forgetSignedIn() {
  return transaction(["jobs", "meta", "outbox", "files"], "readwrite", async (tx) => {
    const waiting = await done(tx.objectStore("outbox").getAll());
    const kept = new Set(waiting.map((r) => r.id));
    const files = tx.objectStore("files");
    for (const id of await done(files.getAllKeys())) if (!kept.has(id)) await done(files.delete(id));
    const meta = tx.objectStore("meta");
    const people = (await done(meta.get(PEOPLE)))?.value || {};
    await done(tx.objectStore("jobs").clear());
    await done(meta.clear());
    const owners = Object.fromEntries(waiting.filter((r) => r.userId in people).map((r) => [r.userId, people[r.userId]]));
    if (Object.keys(owners).length) await done(meta.put({ key: PEOPLE, value: owners }));
  });
}
