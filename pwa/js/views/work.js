// Job page sections: status buttons, the work/travel timer, and time entries (list + manual form).

import * as actions from "../actions.js";
import { announce, field, h, replace } from "../dom.js";
import { formatMinutes, formatTime, t } from "../i18n.js";
import { runningTimers } from "../jobs.js";
import { busy, isLocked, problemBlock, saveForm, section, showItems, stateChip } from "./common.js";

/** A section whose content is redrawn as a whole: {element, body}. */
function redrawnSection(id, title) {
  const body = h("div");
  return { element: section(id, title, body), body };
}

/** Status: en route, on site. */
export function statusSection(initial) {
  const { element, body } = redrawnSection("status", t("status"));
  function update(job) {
    const next = { scheduled: ["en_route", "on_site"], en_route: ["on_site"] }[job.status] || [];
    replace(body,
      h("p", { id: "status-now" }, t("status_now", { status: t(`status_${job.status}`) })),
      job.pendingStatus ? h("p", {}, stateChip(job.pendingStatus.state)) : null,
      job.pendingStatus ? problemBlock(job.pendingStatus) : null,
      next.length ? h("div", { class: "actions" }, next.map((status) => h("button", {
        type: "button", class: "primary", id: `status-${status}`,
        onclick: (event) => busy(event.currentTarget, () => actions.setStatus(job.id, status)),
      }, t(`action_${status}`)))) : null);
  }
  update(initial);
  return { element, update };
}

function elapsed(startedAt) {
  const seconds = Math.max(0, Math.floor((Date.now() - new Date(startedAt)) / 1000));
  const hh = Math.floor(seconds / 3600);
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  return `${hh}:${mm}:${ss}`;
}

/**
 * Start the work or travel timer on `job`. A technician has one clock: a timer running on another
 * job is stopped first, its period saved as that job's time entry (as its Stop button does), and a
 * toast says so. No question asked: on site, with one hand free, the new job is where the work is.
 */
async function startTimer(job, kind) {
  const stopped = [];
  for (const other of await runningTimers()) {
    if (other.jobId === job.id) continue;
    await actions.stopTimer(other.jobId, other.timer);
    stopped.push(other);
  }
  await actions.startTimer(job.id, kind, job.timer);
  for (const other of stopped) {
    const minutes = (Date.now() - new Date(other.timer.startedAt)) / 60000;
    announce(t("timer_stopped_other", { kind: t(`kind_${other.timer.kind}`), number: other.number, time: formatMinutes(minutes) }));
  }
}

/** The work/travel timer: shows time since the stored start (so it survives reloads). */
export function timerSection(initial) {
  const { element, body } = redrawnSection("timer", t("timer"));
  let tick = null;
  function update(job) {
    clearInterval(tick);
    const timer = job.timer;
    if (isLocked(job) && !timer) { replace(body, h("p", { class: "hint" }, t("timer_closed"))); return; }
    const start = (kind) => h("button", {
      type: "button", id: `timer-start-${kind}`, class: timer ? "" : "primary",
      onclick: (event) => busy(event.currentTarget, () => startTimer(job, kind)),
    }, t(`timer_start_${kind}`));
    if (!timer) { replace(body, h("div", { class: "actions" }, start("travel"), start("work"))); return; }
    const clock = h("span", { class: "timer", id: "timer-clock", role: "timer" }, elapsed(timer.startedAt));
    tick = setInterval(() => { clock.textContent = elapsed(timer.startedAt); }, 1000);
    replace(body,
      h("p", {}, t(`timer_running_${timer.kind}`, { time: formatTime(timer.startedAt) })), clock,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "primary", id: "timer-stop",
          onclick: (event) => busy(event.currentTarget, () => actions.stopTimer(job.id, timer)) }, t("timer_stop")),
        start(timer.kind === "work" ? "travel" : "work")));
  }
  update(initial);
  return { element, update, destroy: () => clearInterval(tick) };
}

function localDate() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

function timeForm(jobId) {
  const kind = h("select", { name: "kind" },
    h("option", { value: "work" }, t("kind_work")), h("option", { value: "travel" }, t("kind_travel")));
  const date = h("input", { type: "date", name: "date", value: localDate(), required: true });
  const from = h("input", { type: "time", name: "from", required: true });
  const to = h("input", { type: "time", name: "to", required: true });
  const note = h("input", { type: "text", name: "note", maxlength: 500, autocomplete: "off" });
  const started = () => new Date(`${date.value}T${from.value}`);
  const ended = () => new Date(`${date.value}T${to.value}`);
  return saveForm({ id: "time-form", button: t("add_time"), buttonId: "add-time" },
    [h("h3", {}, t("add_time_title")), field(t("time_kind"), kind), field(t("date"), date),
      h("div", { class: "row" }, field(t("from"), from), field(t("to"), to)), field(t("note_optional"), note)],
    () => {
      if (!date.value || !from.value || !to.value || Number.isNaN(started().valueOf()) || Number.isNaN(ended().valueOf())) {
        return t("time_required");
      }
      if (ended() <= started()) return t("time_end_before_start");
      return null;
    },
    async () => {
      await actions.addTimeEntry(jobId, {
        kind: kind.value, started_at: started().toISOString(), ended_at: ended().toISOString(), note: note.value.trim(),
      });
      from.value = ""; to.value = ""; note.value = "";
    });
}

/** Time entries of the job and the manual entry form. */
export function timeSection(initial) {
  const { element, body } = redrawnSection("time", t("time_entries"));
  const list = h("ul", { class: "items", id: "time-list" });
  const totals = h("p", { id: "time-totals" });
  const form = isLocked(initial) ? null : timeForm(initial.id);
  replace(body, totals, list, form);
  function update(job) {
    replace(totals, t("time_totals", { work: formatMinutes(job.minutes.work), travel: formatMinutes(job.minutes.travel) }));
    showItems(list, job.timeEntries, (entry) => [
      h("strong", {}, t(`kind_${entry.kind}`)),
      `${formatTime(entry.started_at)}–${formatTime(entry.ended_at)}`,
      entry.note ? h("span", {}, entry.note) : null, stateChip(entry.state), problemBlock(entry),
    ]);
  }
  update(initial);
  return { element, update };
}
