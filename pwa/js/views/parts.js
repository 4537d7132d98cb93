// Job page section: parts used (by SKU and quantity).

import * as actions from "../actions.js";
import { announce, field, h, replace } from "../dom.js";
import { formatNumber, t } from "../i18n.js";
import { isLocked, problemBlock, stateChip } from "./common.js";
import { busy } from "./work.js";

function partsForm(jobId) {
  const sku = h("input", { type: "text", name: "sku", required: true, maxlength: 64, autocomplete: "off",
    autocapitalize: "characters", spellcheck: "false" });
  const quantity = h("input", { type: "number", name: "quantity", required: true, min: "0.001", step: "any",
    inputmode: "decimal", value: "1" });
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", id: "add-part" }, t("add_part"));
  const form = h("form", { id: "part-form", novalidate: true },
    h("div", { class: "row" }, field(t("sku"), sku), field(t("quantity"), quantity)), error, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.textContent = "";
    const code = sku.value.trim();
    const amount = Number(quantity.value);
    if (!code) { error.textContent = t("sku_required"); return; }
    if (!(amount > 0)) { error.textContent = t("quantity_positive"); return; }
    busy(submit, async () => {
      // As a decimal string: the API keeps quantities as Decimal, never float.
      await actions.addPart(jobId, { sku: code, quantity: quantity.value.trim() });
      sku.value = ""; quantity.value = "1";
      announce(t("saved_will_sync"));
    });
  });
  return form;
}

/** Parts used on the job and the form to add one. */
export function partsSection(initial) {
  const list = h("ul", { class: "items", id: "part-list" });
  const element = h("section", { class: "section", "aria-labelledby": "h-parts", id: "section-parts" },
    h("h2", { id: "h-parts" }, t("parts")), list, isLocked(initial) ? null : partsForm(initial.id));
  function update(job) {
    replace(list, job.parts.length ? job.parts.map((part) => h("li", { dataset: { key: part.key || part.id } },
      h("strong", {}, `${formatNumber(part.quantity)} ×`),
      part.product_name || part.name || part.product?.name || part.sku || "", part.sku ? h("span", { class: "hint" }, part.sku) : null,
      stateChip(part.state), problemBlock(part))) : h("li", { class: "hint" }, t("no_parts")));
  }
  update(initial);
  return { element, update };
}
