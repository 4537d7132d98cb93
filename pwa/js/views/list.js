// Today and the coming days: the technician's jobs by day.

import { csrfTokenValue } from "../api.js";
import { getMeta } from "../db.js";
import { announce, h, replace } from "../dom.js";
import { dayKey, formatDate, formatDateTime, formatTime, t } from "../i18n.js";
import * as jobs from "../jobs.js";
import * as outbox from "../outbox.js";
import { forgetSignedIn, PEOPLE, refresh as refreshSession } from "../session.js";
import { calendarLinkSection } from "./calendar-link.js";
import { changeChip, removedBanner } from "./changes.js";
import { statusChip } from "./common.js";

function dayTitle(day) {
  const today = dayKey(new Date());
  const tomorrow = dayKey(new Date(Date.now() + 24 * 3600 * 1000));
  if (day === today) return t("today");
  if (day === tomorrow) return t("tomorrow");
  return formatDate(`${day}T12:00:00Z`);
}

function card(job, waiting) {
  const site = job.site || {};
  const attention = waiting.filter((r) => r.state === "attention").length;
  return h("li", {},
    h("a", { class: "job-card", href: `#/jobs/${job.id}`, dataset: { jobId: job.id } },
      h("div", { class: "when" }, `${formatTime(job.scheduled_start)}–${formatTime(job.scheduled_end)} `, statusChip(job.status)),
      h("div", { class: "who" }, job.customer?.name || ""),
      h("div", {}, [site.street, site.city].filter(Boolean).join(", ")),
      h("div", { class: "hint" }, `${job.number} · ${t(`kind_${job.kind}`)}`),
      changeChip(job.change),
      job.timer ? h("div", {}, h("span", { class: "chip status", dataset: { timer: job.timer.kind } }, t(`timer_chip_${job.timer.kind}`))) : null,
      waiting.length ? h("div", {}, h("span", { class: `chip ${attention ? "attention" : "pending"}` },
        attention ? t("attention_count", { count: attention }) : t("unsynced", { count: waiting.length }))) : null));
}

/** Which job the technician's clock runs on, one tap from its page. */
function runningTimer(all) {
  const job = all.find((j) => j.timer);
  if (!job) return null;
  return h("p", {}, h("a", { class: "button primary", id: "running-timer", href: `#/jobs/${job.id}`, dataset: { jobId: job.id } },
    t(`timer_running_on_${job.timer.kind}`, { number: job.number, time: formatTime(job.timer.startedAt) })));
}

/**
 * Other technicians' changes waiting on this phone for their next sign-in: [{userId, name, count}], shown
 * so that nobody resets a phone that still holds someone's work.
 */
async function othersWaiting() {
  const { others } = await outbox.counts();
  const people = await getMeta(PEOPLE, {});
  return Object.entries(others).map(([userId, count]) => ({ userId, count, name: people[userId] || t("another_technician") }));
}

/** "N changes of <name> wait on this phone until they sign in again", one line per technician. */
function othersNotice(waiting) {
  if (!waiting.length) return null;
  return h("div", { class: "banner", id: "others-waiting", role: "note" },
    waiting.map(({ userId, name, count }) => h("p", { dataset: { userId, count } }, t("others_waiting", { count, name }))),
    h("p", {}, t("others_waiting_keep")));
}

/** Sign out through the back office's form; refused while any of this technician's changes is unsynced. */
async function signOut() {
  const { unsynced } = await outbox.counts();
  if (unsynced) {
    announce(t("logout_refused", { count: unsynced }), "error");
    return;
  }
  try { await refreshSession(); } catch { announce(t("logout_offline"), "error"); return; }
  await forgetSignedIn();
  const form = h("form", { method: "post", action: "/logout" },
    h("input", { type: "hidden", name: "csrf_token", value: csrfTokenValue() }));
  document.body.append(form);
  form.submit();
}

/** Mount the list on `root`; returns {refresh}. */
export async function mount(root) {
  const calendarLink = calendarLinkSection();  // kept across redraws: the link it shows is not stored
  async function render() {
    const all = await jobs.list();
    const records = (await outbox.all()).filter(outbox.isMine);
    const waitingFor = (job) => records.filter((r) => r.jobId === job.id);
    const refreshedAt = await getMeta("refreshedAt");
    const others = await othersWaiting();
    const removed = await removedBanner(render);
    const byDay = new Map();
    for (const job of all) {
      const day = dayKey(job.scheduled_start);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day).push(job);
    }
    replace(root,
      h("h1", { tabindex: "-1" }, t("my_jobs")),
      othersNotice(others),
      removed,
      runningTimer(all),
      refreshedAt ? h("p", { class: "hint" }, t("updated_at", { time: formatDateTime(refreshedAt) })) : null,
      all.length ? null : h("p", {}, refreshedAt ? t("no_jobs") : t("jobs_loading")),
      [...byDay].map(([day, list]) => h("section", { class: "day", "aria-label": dayTitle(day) },
        h("h2", {}, dayTitle(day)), h("ul", { class: "jobs" }, list.map((job) => card(job, waitingFor(job)))))),
      calendarLink.element,
      h("div", { class: "section actions" },
        h("button", { type: "button", id: "sign-out", onclick: signOut }, t("sign_out"))));
  }
  await render();
  return { refresh: render };
}
