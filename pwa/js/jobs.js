// The technician's jobs on this phone: refreshed from GET /me/jobs, kept in IndexedDB, and the
// merged view of the server's copy with this phone's changes that the screens show.

import { getJson } from "./api.js";
import { changeSince, REMOVED_NOTICES, removedNotice } from "./changes.js";
import { done, getAll, setMeta, transaction } from "./db.js";
import { emptyJob, emptyLocal } from "./effects.js";
import { dayKey } from "./i18n.js";

export const DAYS_AHEAD = 7;
export const events = new EventTarget();

function addDays(day, days) {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

async function fetchAll(path) {
  const items = [];
  let url = path;
  for (let page = 0; url && page < 20; page += 1) {
    const body = await getJson(url);
    if (Array.isArray(body)) return body;
    items.push(...body.items);
    url = body.next_cursor ? `${path}&cursor=${encodeURIComponent(body.next_cursor)}` : null;
  }
  return items;
}

/**
 * Fetch today's and the coming days' jobs and store them, keeping this phone's local changes.
 * A job that left the list is forgotten unless it still has unsent actions or a running timer; either way
 * the technician is told (changes.js), as they are of a job whose time or state the office changed.
 */
export async function refresh() {
  const today = dayKey(new Date());
  const jobs = await fetchAll(`/me/jobs?from=${today}&to=${addDays(today, DAYS_AHEAD)}`);
  await transaction(["jobs", "outbox", "meta"], "readwrite", async (tx) => {
    const store = tx.objectStore("jobs");
    const stored = await done(store.getAll());
    const waiting = new Set((await done(tx.objectStore("outbox").getAll())).map((r) => r.jobId));
    const fresh = new Set(jobs.map((j) => j.id));
    const removed = [];
    for (const job of stored) {
      if (fresh.has(job.id)) continue;
      if (job.local.change?.kind !== "removed") removed.push(removedNotice(job));
      // A running timer's time is the technician's until stopped (the server judges the entry then).
      if (!waiting.has(job.id) && !job.local.timer) await done(store.delete(job.id));
      else await done(store.put({ ...job, local: { ...job.local, change: { kind: "removed" } } }));
    }
    if (removed.length) {
      const meta = tx.objectStore("meta");
      const notices = (await done(meta.get(REMOVED_NOTICES)))?.value || [];
      await done(meta.put({ key: REMOVED_NOTICES, value: [...notices, ...removed].slice(-20) }));
    }
    const byId = new Map(stored.map((j) => [j.id, j]));
    for (const server of jobs) {
      const old = byId.get(server.id);
      if (!old) { await done(store.put(emptyJob(server))); continue; }
      const local = { ...emptyLocal(), ...old.local };
      local.change = changeSince(old.server, server, local.change);
      await done(store.put({ ...old, server, local }));
    }
  });
  await setMeta("refreshedAt", new Date().toISOString());
  events.dispatchEvent(new Event("change"));
  return jobs.length;
}

/** Every stored job's view, by scheduled start. */
export async function list() {
  const [stored, records] = await transaction(["jobs", "outbox"], "readonly",
    (tx) => Promise.all([done(tx.objectStore("jobs").getAll()), done(tx.objectStore("outbox").getAll())]));
  const queued = new Map(records.map((r) => [r.id, r]));
  return stored.map((job) => view(job, queued))
    .sort((a, b) => String(a.scheduled_start).localeCompare(String(b.scheduled_start)));
}

/** One stored job's view, or null. */
export function find(id) {
  return transaction(["jobs", "outbox"], "readonly", async (tx) => {
    const job = await done(tx.objectStore("jobs").get(id));
    if (!job) return null;
    const records = await done(tx.objectStore("outbox").index("jobId").getAll(id));
    return view(job, new Map(records.map((r) => [r.id, r])));
  });
}

function minutesBetween(start, end) {
  return Math.max(0, (new Date(end) - new Date(start)) / 60000);
}

/**
 * A local item with its `state`, from its outbox record (`queued`: record id -> record): "pending" or
 * "attention" (with the server's `problem`) while the record waits, "synced" once the server has it.
 */
function withState(item, queued) {
  const record = queued.get(item.key);
  return record ? { ...item, state: record.state, problem: record.problem } : { ...item, state: "synced" };
}

/** Server items that this phone did not send itself, then this phone's own (deduplicated by server id). */
function mergeList(serverItems, localItems, queued) {
  const own = new Set(localItems.map((i) => i.serverId).filter((id) => id !== undefined));
  return [...(serverItems || []).filter((i) => !own.has(i.id)).map((i) => ({ ...i, state: "synced" })),
    ...localItems.map((item) => withState(item, queued))];
}

/**
 * What the screens show: the server's job with this phone's unsent status on top, and its time
 * entries, parts and photos merged with those recorded here; `queued` maps outbox record ids to records.
 */
function view(job, queued) {
  const { server, local } = job;
  const pendingStatus = local.status && queued.has(local.status.key) ? withState(local.status, queued) : null;
  const status = pendingStatus ? pendingStatus.value : server.status;
  const timeEntries = mergeList(server.time_entries, local.timeEntries, queued);
  const parts = mergeList(server.parts, local.parts, queued);
  const photos = mergeList(server.photos, local.photos, queued);
  const notes = mergeList(server.notes, local.notes || [], queued);
  const minutes = { work: 0, travel: 0 };
  for (const entry of timeEntries) {
    if (entry.state !== "attention") minutes[entry.kind] = (minutes[entry.kind] || 0) + minutesBetween(entry.started_at, entry.ended_at);
  }
  return {
    ...server, status, timeEntries, parts, photos, notes, minutes,
    checklist: mergeChecklist(server.checklist, local.checklist, queued),
    change: local.change || null,
    signature: local.signature ? withState(local.signature, queued) : (server.signature ? { ...server.signature, state: "synced" } : null),
    summary: local.status?.summary ?? server.summary,
    timer: local.timer,
    pendingStatus,
  };
}

/** The server's checklist with this phone's unsent ticks on top (each with its record's state). */
function mergeChecklist(serverItems, ticks, queued) {
  const items = (serverItems || []).map((item) => ({ ...item, state: "synced" }));
  for (const tick of ticks || []) {
    if (!queued.has(tick.key) || !items[tick.index]) continue;
    const { done, state, problem } = withState(tick, queued);
    Object.assign(items[tick.index], { done, state, problem });
  }
  return items;
}

/** The technician opened the job: its change marker has been seen. */
export async function markSeen(jobId) {
  const changed = await transaction(["jobs"], "readwrite", async (tx) => {
    const store = tx.objectStore("jobs");
    const job = await done(store.get(jobId));
    // A job kept only for its unsent work stays marked as taken away.
    if (!job?.local.change || job.local.change.kind === "removed") return false;
    job.local.change = null;
    await done(store.put(job));
    return true;
  });
  if (changed) events.dispatchEvent(new Event("change"));
}

/** Start or stop the work/travel timer: only the start time is stored (it survives reloads and restarts). */
export async function setTimer(jobId, timer) {
  await transaction(["jobs"], "readwrite", async (tx) => {
    const store = tx.objectStore("jobs");
    const job = await done(store.get(jobId));
    job.local.timer = timer;
    await done(store.put(job));
  });
  events.dispatchEvent(new Event("change"));
}

/** Jobs whose timer runs, as [{jobId, number, timer}]: one at most, since starting one stops the others. */
export async function runningTimers() {
  const jobs = await getAll("jobs");
  return jobs.filter((job) => job.local.timer).map((job) => ({ jobId: job.id, number: job.server.number, timer: job.local.timer }));
}
