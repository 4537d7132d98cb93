// Small pieces shared by the screens: status and sync chips, the server's problem as text, and the job
// page's sections, item lists and forms.

import { announce, h, replace } from "../dom.js";
import { t } from "../i18n.js";

/** Hours, parts and photos can no longer change: the job is finished, or the customer signed for them. */
export function isLocked(job) {
  return ["completed", "closed", "cancelled"].includes(job.status) || Boolean(job.signature);
}

/** The job status as a chip. */
export function statusChip(status) {
  return h("span", { class: "chip status", dataset: { status } }, t(`status_${status}`));
}

/** Whether an item recorded here is waiting, refused or on the server. */
export function stateChip(state) {
  if (!state) return null;
  return h("span", { class: `chip ${state}`, dataset: { state } }, t(`state_${state}`));
}

/** The server's problem+json as readable lines: detail, then each field's messages. */
function problemLines(problem) {
  if (!problem) return [];
  const lines = [problem.detail || problem.title || t("error_unknown")];
  for (const [name, messages] of Object.entries(problem.errors || {})) {
    lines.push(`${name}: ${[].concat(messages).join(" ")}`);
  }
  return lines;
}

/** The "← back" line at the top of a screen. */
export function backLink(href, text) {
  return h("p", {}, h("a", { href }, `← ${text}`));
}

/** A refused item's (or outbox record's) explanation, shown under it. */
export function problemBlock(item) {
  if (item.state !== "attention") return null;
  return h("div", { class: "problem" }, problemLines(item.problem).map((line) => h("p", { class: "error" }, line)));
}

/** Run an action from a button: disabled meanwhile, errors shown. */
export async function busy(button, work) {
  button.disabled = true;
  try {
    await work();
  } catch (error) {
    console.error(error);
    announce(t("error_saving"), "error");
  } finally {
    button.disabled = false;
  }
}

/** A job page section: `<section id="section-{id}">` titled by its `<h2 id="h-{id}">`, then `children`. */
export function section(id, title, ...children) {
  return h("section", { class: "section", "aria-labelledby": `h-${id}`, id: `section-${id}` },
    h("h2", { id: `h-${id}` }, title), children);
}

/** Fill `list` with one `<li data-key>` per item, drawn by `content(item, index)`; else the `empty` line. */
export function showItems(list, items, content, empty = null) {
  replace(list, items.length
    ? items.map((item, index) => h("li", { dataset: { key: item.key || item.id } }, content(item, index)))
    : empty && h("li", { class: "hint" }, empty));
}

/**
 * A form of the job page: `fields`, an error line and the `button`. On submit `check()` returns what is
 * wrong, if anything; else `save()` records it (the button busy meanwhile) and the technician is told.
 */
export function saveForm({ id, button, buttonId }, fields, check, save) {
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", id: buttonId }, button);
  const form = h("form", { id, novalidate: true }, fields, error, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.textContent = check() || "";
    if (error.textContent) return;
    busy(submit, async () => {
      await save();
      announce(t("saved_will_sync"));
    });
  });
  return form;
}
