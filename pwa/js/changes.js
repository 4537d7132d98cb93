// What the office changed since this phone last saw a job: a new time, a cancellation or postponement, or
// the job taken off the technician's list. Found when the agenda is refreshed (jobs.js) and kept on the job
// record until the technician opens it.

export const REMOVED_NOTICES = "removedNotices";
// Statuses only the office sets: the job is off the technician's day.
const CALLED_OFF = { cancelled: "cancelled", postponed: "postponed", unscheduled: "postponed" };

/**
 * The change marker of a job after a refresh: `before` and `after` are the server's copies, `current` the
 * marker not yet seen. A new marker replaces an older one; no difference keeps what was there.
 */
export function changeSince(before, after, current) {
  const kept = current?.kind === "removed" ? null : current || null;  // back on the list
  if (before.status !== after.status && CALLED_OFF[after.status]) return { kind: CALLED_OFF[after.status] };
  if (before.scheduled_start !== after.scheduled_start || before.scheduled_end !== after.scheduled_end) {
    return { kind: "rescheduled", start: after.scheduled_start, end: after.scheduled_end, previous: before.scheduled_start };
  }
  return kept;
}

/** What the list remembers of a job that left it: enough to say which one. */
export function removedNotice(job) {
  const { server } = job;
  return { id: job.id, number: server.number, customer: server.customer?.name || "", start: server.scheduled_start };
}
