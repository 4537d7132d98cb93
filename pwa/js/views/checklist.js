// Job page section: the job's checklist, ticked off with checkboxes (offline through the outbox).
// Rows are updated in place on every refresh, so a keyboard user's focus stays on the box just ticked.

import * as actions from "../actions.js";
import { announce, h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { busy, isLocked, problemBlock, section, stateChip } from "./common.js";

function row(jobId, index) {
  const box = h("input", { type: "checkbox", id: `check-${index}`, dataset: { index } });
  const text = h("span");
  const state = h("span");
  const element = h("li", { dataset: { index } }, h("label", { class: "check", for: box.id }, box, " ", text), state);
  box.addEventListener("change", () => busy(box, async () => {
    await actions.tickChecklist(jobId, index, box.checked);
    announce(t("saved_will_sync"));
  }));
  function update(job, entry) {
    box.checked = Boolean(entry.done);
    box.disabled = isLocked(job);
    element.dataset.done = String(Boolean(entry.done));
    element.dataset.state = entry.state;
    replace(text, entry.text);
    replace(state, entry.state === "synced" ? null : stateChip(entry.state), problemBlock(entry));
  }
  return { element, update };
}

/** The checklist section; hidden when the job has no checklist. */
export function checklistSection(initial) {
  const list = h("ul", { class: "items checklist", id: "checklist" });
  const count = h("p", { class: "hint", id: "checklist-count" });
  const element = section("checklist", t("checklist"), count, list);
  let rows = [];
  function update(job) {
    const entries = job.checklist || [];
    element.hidden = entries.length === 0;
    if (rows.length !== entries.length) {
      rows = entries.map((_, index) => row(job.id, index));
      replace(list, rows.map((r) => r.element));
    }
    entries.forEach((entry, index) => rows[index].update(job, entry));
    replace(count, t("checklist_done", { done: entries.filter((e) => e.done).length, total: entries.length }));
  }
  update(initial);
  return { element, update };
}
