// The outbox: every action is an IndexedDB record (written with its local change) that is sent to
// the server in order, with its UUID as Idempotency-Key, and deleted only after a 2xx.
// Network errors, 5xx, 408/429 and "still running" 409s are retried with backoff; other 4xx stay in
// "Needs attention" with the server's problem detail until the technician retries or discards them.
// This module runs in the page and in the service worker (Background Sync with no app open): nothing
// here or in what it imports may touch window, document or localStorage on the way to the server.

import { ApiError, request, upload } from "./api.js";
import { done, getAll, transaction } from "./db.js";
import * as effects from "./effects.js";
import { refresh as refreshSession, user } from "./session.js";

export const events = new EventTarget();
const MAX_DELAY_MS = 5 * 60 * 1000;
const FIRST_DELAY_MS = 2000;

let running = null;
let again = false;
let timer = null;

function emit(type, detail = {}) {
  events.dispatchEvent(new CustomEvent(type, { detail }));
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Record actions of one job: each {kind, method?, path, body, multipart?, file?, extra?, alsoChange?(job)};
 * `file` is {buffer: ArrayBuffer, type, name} (not a Blob, which Safari cannot always keep in IndexedDB).
 * The local change, the outbox records and their files are written in one IndexedDB transaction:
 * all of it happens or none of it does.
 */
export async function enqueue(jobId, actions) {
  const records = await transaction(["jobs", "outbox", "files"], "readwrite", async (tx) => {
    const jobs = tx.objectStore("jobs");
    const job = await done(jobs.get(jobId));
    if (!job) throw new Error(`job ${jobId} is not on this phone`);
    const written = [];
    for (const action of actions) {
      const record = {
        id: uuid(), userId: user()?.id ?? null, jobId, kind: action.kind, method: action.method || "POST", path: action.path,
        body: action.body, multipart: Boolean(action.multipart), createdAt: new Date().toISOString(),
        attempts: 0, nextAttemptAt: 0, state: "pending", problem: null,
      };
      effects.apply(job, record, action.extra);
      action.alsoChange?.(job);  // e.g. stopping the timer that this time entry came from
      record.seq = await done(tx.objectStore("outbox").add(record));
      if (action.file) await done(tx.objectStore("files").put({ id: record.id, ...action.file }));
      written.push(record);
    }
    await done(jobs.put(job));
    return written;
  });
  emit("change");
  requestBackgroundSync();
  sync();
  return records;
}

/** Every outbox record, oldest first. */
export function all() {
  return getAll("outbox");
}

/** Whether the signed-in user queued `record` (on a shared phone, others' records wait for their sign-in). */
export function isMine(record) {
  const me = user();
  return me === null || record.userId === me.id;
}

/** The signed-in user's {unsynced, attention} counts, and `others`: {userId: count} of records left by others. */
export async function counts() {
  const records = await all();
  const mine = records.filter(isMine);
  const others = {};
  for (const r of records) if (!isMine(r)) others[r.userId] = (others[r.userId] || 0) + 1;
  return { unsynced: mine.length, attention: mine.filter((r) => r.state === "attention").length, others };
}

function backoff(attempts, retryAfterSeconds) {
  if (retryAfterSeconds) return retryAfterSeconds * 1000;
  const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay * (0.8 + Math.random() * 0.4));
}

/** Whether a failed send should simply be tried again later. */
function retryable(error) {
  const s = error.status;
  return s === 0 || s >= 500 || s === 408 || s === 429 || (s === 409 && Boolean(error.retryAfter));
}

function isCsrfFailure(error) {
  return error.status === 403 && /csrf/i.test(error.problem?.title || "");
}

async function updateRecord(record, change) {
  await transaction(["outbox"], "readwrite", async (tx) => {
    const outbox = tx.objectStore("outbox");
    const stored = await done(outbox.get(record.seq));
    if (!stored) return;
    Object.assign(stored, change(stored));
    await done(outbox.put(stored));
  });
}

/** In `tx`: delete `record` and its file, and change its job by `effect(job)` (acknowledged or discarded). */
async function remove(tx, record, effect) {
  await done(tx.objectStore("outbox").delete(record.seq));
  await done(tx.objectStore("files").delete(record.id));
  const job = await done(tx.objectStore("jobs").get(record.jobId));
  if (job) { effect(job); await done(tx.objectStore("jobs").put(job)); }
}

function acknowledge(record, answer) {
  return transaction(["jobs", "outbox", "files"], "readwrite",
    (tx) => remove(tx, record, (job) => effects.ack(job, record, answer)));
}

async function send(record) {
  if (!record.multipart) return request(record.method, record.path, { json: record.body, idempotencyKey: record.id });
  const file = await transaction(["files"], "readonly", (tx) => done(tx.objectStore("files").get(record.id)));
  if (!file) throw new ApiError(410, { title: "The file of this upload is no longer on this phone." });
  const blob = new File([file.buffer], file.name, { type: file.type });
  return upload(record.path, { ...record.body.fields, file: blob }, {
    idempotencyKey: record.id,
    onProgress: (loaded, total) => emit("progress", { id: record.id, jobId: record.jobId, loaded, total }),
  });
}

/** Send one record; returns "sent", "attention", "retry" or "auth". */
async function deliver(record) {
  let csrfRetried = false;
  for (;;) {
    try {
      const answer = await send(record);
      await acknowledge(record, answer.body);
      return "sent";
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (isCsrfFailure(error) && !csrfRetried) {
        csrfRetried = true;
        try { await refreshSession(); continue; } catch { /* offline again: retried later below */ }
      }
      if (error.status === 401) return "auth";
      if (retryable(error) || isCsrfFailure(error)) {
        await updateRecord(record, (r) => ({
          attempts: r.attempts + 1, nextAttemptAt: Date.now() + backoff(r.attempts + 1, error.retryAfter),
          lastError: error.message,
        }));
        return "retry";
      }
      const problem = { status: error.status, ...error.problem };
      await updateRecord(record, () => ({ state: "attention", problem }));
      return "attention";
    }
  }
}

function schedule(at) {
  clearTimeout(timer);
  timer = setTimeout(() => sync(), Math.max(0, at - Date.now()));
}

async function pending() {
  return (await all()).filter((r) => r.state === "pending" && isMine(r));
}

/** One round; returns "done" (nothing left to send now), "retry" (some later), "auth" or "offline". */
async function run(force, online) {
  if (!online && navigator.onLine === false) return "offline";  // the "online" event starts the next round
  if (!(await pending()).length) return "done";
  try {
    await refreshSession();  // a fresh CSRF token; tokens expire while a phone is offline for hours
  } catch (error) {
    // Signed out: every record stays as it is, for this user's next sign-in.
    if (error instanceof ApiError && error.status === 401) { emit("auth"); return "auth"; }
    schedule(Date.now() + backoff(3));
    return "retry";
  }
  for (;;) {
    const [head] = await pending();
    if (!head) return "done";
    // Strict order: nothing overtakes a record that waits for its retry.
    if (!force && head.nextAttemptAt > Date.now()) { schedule(head.nextAttemptAt); return "retry"; }
    const outcome = await deliver(head);
    emit("change");
    if (outcome === "auth") { emit("auth"); return "auth"; }
    if (outcome === "retry") { const [next] = await pending(); if (next) schedule(next.nextAttemptAt); return "retry"; }
    force = false;
  }
}

async function runExclusive(force, online) {
  // One sender across the app's tabs and its service worker (the Idempotency-Key would catch doubles
  // anyway): each round reads the outbox afresh inside the lock, so it only sends what is still there.
  if (navigator.locks) return navigator.locks.request("dispatch-outbox", () => run(force, online));
  return run(force, online);
}

/**
 * Send what is waiting, now (`force` ignores backoff; `online` skips the navigator.onLine check, for
 * when the browser has just said the connection is back). Resolves when this round is over, with how
 * it ended: "done", "retry", "auth", "offline" or "error".
 */
export function sync({ force = false, online = false } = {}) {
  if (running) { again = true; return running; }
  running = (async () => {
    emit("syncing", { active: true });
    let outcome = "error";
    try {
      do { again = false; outcome = await runExclusive(force, online); } while (again);
    } catch (error) {
      console.error("sync failed", error);
    } finally {
      running = null;
      emit("syncing", { active: false });
      emit("change");
    }
    return outcome;
  })();
  return running;
}

/** The outbox was changed by someone else (the service worker sent records): tell this page's screens. */
export function changedElsewhere() {
  emit("change");
}

/** Put a "needs attention" record back in the queue (same Idempotency-Key). */
export async function retry(seq) {
  await transaction(["outbox"], "readwrite", async (tx) => {
    const record = await done(tx.objectStore("outbox").get(seq));
    if (!record || record.state !== "attention") return;
    Object.assign(record, { state: "pending", attempts: 0, nextAttemptAt: 0, problem: null });
    await done(tx.objectStore("outbox").put(record));
  });
  emit("change");
  return sync({ force: true });
}

/** Drop a "needs attention" record and undo its local change. */
export async function discard(seq) {
  await transaction(["jobs", "outbox", "files"], "readwrite", async (tx) => {
    const record = await done(tx.objectStore("outbox").get(seq));
    if (!record || record.state !== "attention") return;
    await remove(tx, record, (job) => effects.discard(job, record));
  });
  emit("change");
}

/** Ask the browser to wake the app for a sync when the connection is back (where it can). */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration("/app/");
    await registration?.sync?.register("outbox");
  } catch {
    // Background Sync is an extra; start, `online` and "Sync now" cover the rest.
  }
}
