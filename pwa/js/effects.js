// How each kind of outbox action changes the local job record: when it is recorded, when the server
// accepted it, and when the technician discards it.
// A local item carries the outbox record's id as `key`. Whether it waits, was refused or reached the server
// is not stored on it: its outbox record says so (jobs.js view), and is gone once the server has it.

/** A job record as stored: the server's copy and what this phone changed. */
export function emptyJob(server) {
  return { id: server.id, server, local: emptyLocal() };
}

export function emptyLocal() {
  return { status: null, timeEntries: [], parts: [], photos: [], notes: [], signature: null, timer: null };
}

const LISTS = { time: "timeEntries", part: "parts", photo: "photos", note: "notes" };

function findItem(job, record) {
  if (LISTS[record.kind]) return (job.local[LISTS[record.kind]] || []).find((item) => item.key === record.id);
  if (record.kind === "signature") return job.local.signature;
  return job.local.status && job.local.status.key === record.id ? job.local.status : null;
}

/** Record the local change of `record` on `job` (same transaction as the outbox write). */
export function apply(job, record, extra = {}) {
  const base = { key: record.id, at: record.createdAt };
  const body = record.body;
  switch (record.kind) {
    case "status":
      job.local.status = { ...base, value: body.status };
      break;
    case "complete":
      job.local.status = { ...base, value: "completed", summary: body.summary, flags: body.flags || [] };
      break;
    case "signature":
      job.local.signature = { ...base, signer_name: body.signer_name };
      break;
    case "time":
      job.local.timeEntries.push({ ...base, ...body });
      break;
    case "part":
      job.local.parts.push({ ...base, ...body });
      break;
    case "photo":
      job.local.photos.push({ ...base, caption: body.fields.caption || "", ...extra });
      break;
    case "note":
      // Jobs stored before notes existed have no list yet.
      (job.local.notes ||= []).push({ ...base, text: body.text, written_at: body.written_at });
      break;
    default:
      throw new Error(`unknown outbox kind ${record.kind}`);
  }
}

/** The server accepted `record`: keep what it answered. */
export function ack(job, record, answer) {
  const item = findItem(job, record);
  if (item) {
    if (answer && typeof answer === "object" && answer.id !== undefined) item.serverId = answer.id;
    if (record.kind === "photo" && answer) Object.assign(item, { url: answer.url, thumbnail_url: answer.thumbnail_url });
    if (record.kind === "part" && answer) item.product_name = answer.name || item.product_name;
    if (record.kind === "note" && answer) item.author = answer.author;
  }
  if (record.kind === "status") job.server.status = record.body.status;
  if (record.kind === "complete") {
    job.server.status = "completed";
    job.server.summary = record.body.summary;
  }
}

/** The technician dropped a refused action: undo its local change. */
export function discard(job, record) {
  const list = LISTS[record.kind];
  if (list) job.local[list] = (job.local[list] || []).filter((item) => item.key !== record.id);
  else if (record.kind === "signature" && job.local.signature?.key === record.id) job.local.signature = null;
  else if (job.local.status?.key === record.id) job.local.status = null;
}
