// How each kind of outbox action changes the local job record: when it is recorded, when the server
// accepted it, and when the technician discards it.
// A local item carries the outbox record's id as `key`. Whether it waits, was refused or reached the server
// is not stored on it: its outbox record says so (jobs.js view), and is gone once the server has it.

/** A job record as stored: the server's copy and what this phone changed. */
export function emptyJob(server) {
  return { id: server.id, server, local: emptyLocal() };
}

export function emptyLocal() {
  return { status: null, timeEntries: [], parts: [], photos: [], notes: [], signature: null, timer: null, checklist: [],
    change: null };
}

// Per kind of action: where its item lives in job.local (one of a `list`, or the one `slot`), the item's
// fields from the record's body, what to keep of the server's answer, and what it changes on the server's copy.
const KINDS = {
  status: {
    slot: "status", fields: (body) => ({ value: body.status }),
    server: (server, body) => { server.status = body.status; },
  },
  complete: {
    slot: "status", fields: (body) => ({ value: "completed", summary: body.summary, flags: body.flags || [] }),
    server: (server, body) => Object.assign(server, { status: "completed", summary: body.summary }),
  },
  signature: { slot: "signature", fields: (body) => ({ signer_name: body.signer_name }) },
  time: { list: "timeEntries", fields: (body) => body },
  part: { list: "parts", fields: (body) => body, answer: (answer, item) => ({ product_name: answer.name || item.product_name }) },
  photo: {
    list: "photos", fields: (body, extra) => ({ caption: body.fields.caption || "", ...extra }),
    answer: (answer) => ({ url: answer.url, thumbnail_url: answer.thumbnail_url }),
  },
  // A tick is kept here only while it waits: once sent, the server's checklist says it (dropped on ack).
  checklist: {
    list: "checklist", drop: true, fields: (body, extra) => ({ index: extra.index, done: body.done }),
    server: (server, body, item) => {
      const entry = item && (server.checklist || [])[item.index];
      if (entry) entry.done = body.done;
    },
  },
  note: { list: "notes", fields: (body) => ({ text: body.text, written_at: body.written_at }), answer: (answer) => ({ author: answer.author }) },
};

function kindOf(record) {
  const kind = KINDS[record.kind];
  if (!kind) throw new Error(`unknown outbox kind ${record.kind}`);
  return kind;
}

function findItem(job, record) {
  const { list, slot } = kindOf(record);
  if (list) return (job.local[list] || []).find((item) => item.key === record.id);
  return job.local[slot]?.key === record.id ? job.local[slot] : null;
}

/** Record the local change of `record` on `job` (same transaction as the outbox write). */
export function apply(job, record, extra = {}) {
  const { list, slot, fields } = kindOf(record);
  const item = { key: record.id, at: record.createdAt, ...fields(record.body, extra) };
  if (list) (job.local[list] ||= []).push(item);  // ||=: jobs stored before notes existed have no list yet
  else job.local[slot] = item;
}

/** The server accepted `record`: keep what it answered. */
export function ack(job, record, answer) {
  const kind = kindOf(record);
  const item = findItem(job, record);
  if (item && answer && typeof answer === "object") {
    if (answer.id !== undefined) item.serverId = answer.id;
    Object.assign(item, kind.answer?.(answer, item));
  }
  kind.server?.(job.server, record.body, item);
  if (kind.drop && item) job.local[kind.list] = job.local[kind.list].filter((i) => i !== item);
}

/** The technician dropped a refused action: undo its local change. */
export function discard(job, record) {
  const { list, slot } = kindOf(record);
  if (list) job.local[list] = (job.local[list] || []).filter((item) => item.key !== record.id);
  else if (job.local[slot]?.key === record.id) job.local[slot] = null;
}
