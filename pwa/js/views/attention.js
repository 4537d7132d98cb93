// What has not reached the server: refused actions ("Needs attention", with the server's reason,
// to retry or discard) and actions still waiting to be sent.

import { getAll } from "../db.js";
import { h, replace } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import * as outbox from "../outbox.js";
import { backLink, busy, problemBlock } from "./common.js";

function describe(record, jobs) {
  const job = jobs.get(record.jobId);
  const number = job ? job.server.number : `#${record.jobId}`;
  return `${t(`outbox_${record.kind}`)} · ${number} · ${formatDateTime(record.createdAt)}`;
}

function attentionItem(record, jobs) {
  return h("li", { class: "attention-item", dataset: { key: record.id, kind: record.kind } },
    h("div", {},
      h("strong", {}, describe(record, jobs)),
      problemBlock(record),
      h("div", { class: "actions" },
        h("button", { type: "button", onclick: (e) => busy(e.currentTarget, () => outbox.retry(record.seq)) }, t("retry")),
        h("button", { type: "button", class: "danger",
          onclick: (e) => { if (window.confirm(t("discard_confirm"))) busy(e.currentTarget, () => outbox.discard(record.seq)); } },
        t("discard")))));
}

function waitingItem(record, jobs) {
  return h("li", { dataset: { key: record.id, kind: record.kind } },
    h("span", {}, describe(record, jobs)),
    record.attempts ? h("span", { class: "hint" }, t("tries", { count: record.attempts, error: record.lastError || "" })) : null);
}

/** Mount the outbox screen. */
export async function mount(root) {
  async function render() {
    const records = (await outbox.all()).filter(outbox.isMine);  // another technician's wait for them
    const jobs = new Map((await getAll("jobs")).map((job) => [job.id, job]));
    const attention = records.filter((r) => r.state === "attention");
    const waiting = records.filter((r) => r.state === "pending");
    replace(root,
      backLink("#/", t("back_to_jobs")),
      h("h1", { tabindex: "-1" }, t("needs_attention")),
      attention.length ? h("ul", { class: "items", id: "attention-list" }, attention.map((r) => attentionItem(r, jobs)))
        : h("p", { id: "attention-empty" }, t("nothing_needs_attention")),
      h("h2", {}, t("waiting_to_send")),
      waiting.length ? h("ul", { class: "items", id: "waiting-list" }, waiting.map((r) => waitingItem(r, jobs)))
        : h("p", {}, t("nothing_waiting")));
  }
  await render();
  return { refresh: render };
}
