// Small pieces shared by the screens: status and sync chips, the server's problem as text.

import { h } from "../dom.js";
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
export function problemLines(problem) {
  if (!problem) return [];
  const lines = [problem.detail || problem.title || t("error_unknown")];
  for (const [name, messages] of Object.entries(problem.errors || {})) {
    lines.push(`${name}: ${[].concat(messages).join(" ")}`);
  }
  return lines;
}

/** A refused item's explanation, shown under it. */
export function problemBlock(item) {
  if (item.state !== "attention") return null;
  return h("div", { class: "problem" }, problemLines(item.problem).map((line) => h("p", { class: "error" }, line)));
}
