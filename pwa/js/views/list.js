// Today and the coming days: the technician's jobs by day.

import { csrfTokenValue } from "../api.js";
import { done, getMeta, transaction } from "../db.js";
import { announce, h, replace } from "../dom.js";
import { dayKey, formatDate, formatDateTime, formatTime, t } from "../i18n.js";
import * as jobs from "../jobs.js";
import * as outbox from "../outbox.js";
import { refresh as refreshSession } from "../session.js";
import { statusChip } from "./common.js";
import { othersNotice, othersWaiting, PEOPLE } from "./statusbar.js";

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
 * Nothing of this technician's customers stays on a shared phone: their jobs and settings go. Other
 * technicians' queued changes stay, with their files and names, until those technicians sign in again.
 */
function forgetSignedIn() {
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
  async function render() {
    const all = await jobs.list();
    const records = (await outbox.all()).filter(outbox.isMine);
    const waitingFor = (job) => records.filter((r) => r.jobId === job.id);
    const refreshedAt = await getMeta("refreshedAt");
    const others = await othersWaiting();
    const byDay = new Map();
    for (const job of all) {
      const day = dayKey(job.scheduled_start);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day).push(job);
    }
    replace(root,
      h("h1", { tabindex: "-1" }, t("my_jobs")),
      othersNotice(others),
      runningTimer(all),
      refreshedAt ? h("p", { class: "hint" }, t("updated_at", { time: formatDateTime(refreshedAt) })) : null,
      all.length ? null : h("p", {}, refreshedAt ? t("no_jobs") : t("jobs_loading")),
      [...byDay].map(([day, list]) => h("section", { class: "day", "aria-label": dayTitle(day) },
        h("h2", {}, dayTitle(day)), h("ul", { class: "jobs" }, list.map((job) => card(job, waitingFor(job)))))),
      h("div", { class: "section actions" },
        h("button", { type: "button", id: "sign-out", onclick: signOut }, t("sign_out"))));
  }
  await render();
  return { refresh: render };
}
