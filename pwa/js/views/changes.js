// The office's changes as the technician sees them: a marker on the job card and the job page, and a notice
// on the list for jobs that left it.

import { getMeta, setMeta } from "../db.js";
import { h } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { REMOVED_NOTICES } from "../changes.js";

/** "Rescheduled: now 24 Nov, 10:15", "Cancelled by the office", ... */
export function changeText(change) {
  if (change.kind === "rescheduled") return t("change_rescheduled", { time: formatDateTime(change.start) });
  return t(`change_${change.kind}`);
}

/** The marker on a job card (nothing when there is no unseen change). */
export function changeChip(change) {
  if (!change) return null;
  return h("div", {}, h("span", { class: "chip change", dataset: { change: change.kind } }, changeText(change)));
}

/** The notice at the top of the job page. */
export function changeBanner(change) {
  if (!change) return null;
  const previous = change.kind === "rescheduled" && change.previous
    ? h("p", {}, t("change_was", { time: formatDateTime(change.previous) })) : null;
  return h("div", { class: "banner", id: "job-change", role: "note", dataset: { change: change.kind } },
    h("p", {}, h("strong", {}, changeText(change))), previous,
    change.kind === "removed" ? h("p", {}, t("change_removed_kept")) : null);
}

/** Jobs that left the list since the technician last looked, with a button that clears the notice. */
export async function removedBanner(onDismiss) {
  const notices = await getMeta(REMOVED_NOTICES, []);
  if (!notices.length) return null;
  const dismiss = async () => { await setMeta(REMOVED_NOTICES, []); onDismiss(); };
  return h("div", { class: "banner", id: "removed-jobs", role: "note" },
    notices.map((notice) => h("p", { dataset: { jobId: notice.id } },
      t("job_removed", { number: notice.number, customer: notice.customer, time: formatDateTime(notice.start) }))),
    h("button", { type: "button", id: "dismiss-removed", onclick: dismiss }, t("understood")));
}
