// The customer's signature: a receipt preview, the signer's name, the pad; then the job completes.

import * as actions from "../actions.js";
import { announce, field, h, replace } from "../dom.js";
import { dayKey, formatDateTime, formatMinutes, formatNumber, t } from "../i18n.js";
import * as jobs from "../jobs.js";
import { createPad, MIN_INK } from "../signature.js";
import { backLink } from "./common.js";

const FLAGS = ["damage", "misuse", "not_our_installation"];

/** Covered or chargeable "as far as known": the office's decision if made, else the asset's warranty dates.
 * A flag the technician ticks (damage, misuse, not our installation) sends the job to the office's review,
 * as an unknown asset does: the server's decision table (closure/coverage.py) applies the same rules. */
export function coverageHint(job, flags = []) {
  if (job.coverage?.outcome) return t(`coverage_${job.coverage.outcome}`);
  const asset = job.asset;
  if (!asset || flags.length) return t("coverage_expected_review");
  const today = dayKey(new Date());
  const parts = Boolean(asset.parts_warranty_until && asset.parts_warranty_until >= today);
  const labour = Boolean(asset.labour_warranty_until && asset.labour_warranty_until >= today);
  if (parts && labour) return t("coverage_expected_covered");
  if (parts || labour) return t("coverage_expected_partly");
  return t("coverage_expected_chargeable");
}

function receipt(job, summary, flags) {
  const photos = job.photos.filter((p) => p.state !== "attention").length;
  const parts = job.parts.filter((p) => p.state !== "attention");
  return h("div", { class: "receipt", id: "receipt" },
    h("h2", {}, t("receipt_title")),
    h("p", {}, h("strong", {}, job.customer?.name || ""), h("br"), `${job.number} · ${formatDateTime(new Date())}`),
    h("h3", {}, t("work_done")), summary,
    h("p", { id: "receipt-hours" }, t("receipt_hours", { work: formatMinutes(job.minutes.work), travel: formatMinutes(job.minutes.travel) })),
    h("h3", {}, t("parts")),
    parts.length ? h("ul", {}, parts.map((p) => h("li", {}, `${formatNumber(p.quantity)} × ${p.product_name || p.name || p.sku || ""}`)))
      : h("p", {}, t("no_parts")),
    h("p", { id: "receipt-photos" }, t("receipt_photos", { count: photos })),
    h("p", { id: "receipt-coverage" }, h("strong", {}, `${t("coverage")}: `), coverageHint(job, flags)));
}

function blocked(root, job, message) {
  replace(root, backLink(`#/jobs/${job.id}`, job.number),
    h("h1", { tabindex: "-1" }, t("receipt_title")), h("p", { id: "sign-blocked" }, message));
  return {};
}

/** Mount the signature screen for job `id`. */
export async function mount(root, { id }) {
  let job = await jobs.find(id);
  if (!job) { replace(root, h("h1", { tabindex: "-1" }, t("job_not_here"))); return {}; }
  if (job.signature) return blocked(root, job, t("already_signed"));
  if (job.status !== "on_site") return blocked(root, job, t("sign_needs_on_site"));
  if (job.timer) {
    // The customer signs for every hour: a running timer ends here, so that its period is on the
    // receipt and reaches the server before the signature (the server freezes a signed job).
    await actions.stopTimer(job.id, job.timer);
    job = await jobs.find(id);
  }

  const summary = h("textarea", { name: "summary", required: true, maxlength: 5000, id: "summary" });
  const signer = h("input", { type: "text", name: "signer_name", required: true, maxlength: 120,
    autocomplete: "off", value: job.customer?.name || "", id: "signer-name" });
  const canvas = h("canvas", { id: "signature-pad", role: "img", "aria-label": t("signature_area") });
  const error = h("p", { class: "error", role: "alert", id: "sign-error" });
  const flags = FLAGS.map((flag) => h("input", { type: "checkbox", name: "flags", value: flag, id: `flag-${flag}` }));
  const submit = h("button", { type: "submit", class: "primary", id: "sign-submit" }, t("sign_submit"));
  const form = h("form", { id: "sign-form", novalidate: true },
    field(t("work_done_label"), summary, t("work_done_hint")),
    h("fieldset", {}, h("legend", {}, t("flags_legend")),
      flags.map((box) => h("label", { class: "check", for: box.id }, box, t(`flag_${box.value}`)))),
    field(t("signer_name"), signer),
    h("p", { class: "hint", id: "pad-hint" }, t("signature_hint")),
    h("div", { class: "pad-wrap" }, canvas),
    h("div", { class: "actions" }, h("button", { type: "button", id: "pad-clear", onclick: () => pad.clear() }, t("clear_signature"))),
    error, submit);
  const preview = h("div");
  const ticked = () => flags.filter((box) => box.checked).map((box) => box.value);
  const renderPreview = () => replace(preview, receipt(job, h("p", { class: "prewrap" }, summary.value || "—"),
    ticked()));
  summary.addEventListener("input", renderPreview);
  flags.forEach((box) => box.addEventListener("change", renderPreview));
  renderPreview();
  replace(root, backLink(`#/jobs/${job.id}`, job.number),
    h("h1", { tabindex: "-1" }, t("signature")), preview, form);
  const pad = createPad(canvas);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!summary.value.trim()) { error.textContent = t("work_done_required"); summary.focus(); return; }
    if (!signer.value.trim()) { error.textContent = t("signer_required"); signer.focus(); return; }
    if (pad.isEmpty() || pad.ink() < MIN_INK) { error.textContent = t("signature_too_short"); return; }
    submit.disabled = true;
    try {
      await actions.signAndComplete(job.id, {
        signerName: signer.value.trim(), image: pad.toPng(), strokes: pad.strokes(), summary: summary.value.trim(),
        flags: ticked(),
      });
      announce(t("signed_will_sync"));
      window.location.hash = `#/jobs/${job.id}`;
    } catch (failure) {
      console.error(failure);
      error.textContent = t("error_saving");
      submit.disabled = false;
    }
  });
  return { destroy: () => pad.destroy() };
}
