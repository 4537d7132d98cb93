// What a technician does on a job, each turned into outbox records (see outbox.js / effects.js).

import { setTimer } from "./jobs.js";
import { enqueue } from "./outbox.js";

const now = () => new Date().toISOString();

/** Status en_route or on_site, at this moment. */
export function setStatus(jobId, status) {
  return enqueue(jobId, [{ kind: "status", path: `/jobs/${jobId}/status`, body: { status, at: now() } }]);
}

function timeEntry(jobId, { kind, started_at, ended_at, note }) {
  const body = { kind, started_at, ended_at };
  if (note) body.note = note;
  return { kind: "time", path: `/jobs/${jobId}/time-entries`, body };
}

/** A manually entered work or travel period. */
export function addTimeEntry(jobId, entry) {
  return enqueue(jobId, [timeEntry(jobId, entry)]);
}

/** Start the work or travel timer; a running timer is stopped (and recorded) first. */
export async function startTimer(jobId, kind, running) {
  if (running) await stopTimer(jobId, running);
  await setTimer(jobId, { kind, startedAt: now() });
}

/** Stop the timer: its period becomes a time entry, in the same transaction that clears it. */
export function stopTimer(jobId, timer) {
  const action = timeEntry(jobId, { kind: timer.kind, started_at: timer.startedAt, ended_at: now() });
  action.alsoChange = (job) => {
    // A second tap on "Stop" must not record the period twice: abort the whole transaction.
    if (job.local.timer?.startedAt !== timer.startedAt) throw new Error("timer already stopped");
    job.local.timer = null;
  };
  return enqueue(jobId, [action]);
}

/** A part used, by SKU (as printed on the box) and quantity. */
export function addPart(jobId, { sku, quantity }) {
  return enqueue(jobId, [{ kind: "part", path: `/jobs/${jobId}/parts`, body: { sku, quantity } }]);
}

/** Tick checklist item `index` done (or not): a PUT, so a repeat sets the same state again. */
export function tickChecklist(jobId, index, isDone) {
  return enqueue(jobId, [{ kind: "checklist", method: "PUT", path: `/jobs/${jobId}/checklist/${index}`,
    body: { done: isDone, at: now() }, extra: { index } }]);
}

/** An internal note, dated when it was written here (it may reach the office hours later). */
export function addNote(jobId, text) {
  return enqueue(jobId, [{ kind: "note", path: `/jobs/${jobId}/notes`, body: { text, written_at: now() } }]);
}

/** A prepared photo (see photos.js) with an optional caption. */
export function addPhoto(jobId, photo, caption) {
  return enqueue(jobId, [{
    kind: "photo", path: `/jobs/${jobId}/photos`, multipart: true,
    body: { fields: { caption: caption || "", taken_at: photo.takenAt } },
    file: { buffer: photo.buffer, type: photo.type, name: photo.name },
    extra: { thumb: photo.thumb, width: photo.width, height: photo.height },
  }]);
}

/** The customer's signature, then completion: two records, one transaction, sent in this order. */
export function signAndComplete(jobId, { signerName, image, strokes, summary, flags }) {
  // Times of the moment itself: sent hours later from a basement, they must not become the sync time.
  const at = now();
  const complete = { summary, at };
  if (flags && flags.length) complete.flags = flags;
  return enqueue(jobId, [
    { kind: "signature", path: `/jobs/${jobId}/signature`, body: { signer_name: signerName, image, strokes, signed_at: at } },
    { kind: "complete", path: `/jobs/${jobId}/complete`, body: complete },
  ]);
}
