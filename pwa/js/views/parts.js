// Job page section: parts used (by SKU and quantity).

import * as actions from "../actions.js";
import { field, h } from "../dom.js";
import { formatNumber, t } from "../i18n.js";
import { isLocked, problemBlock, saveForm, section, showItems, stateChip } from "./common.js";

function partsForm(jobId) {
  const sku = h("input", { type: "text", name: "sku", required: true, maxlength: 64, autocomplete: "off",
    autocapitalize: "characters", spellcheck: "false" });
  const quantity = h("input", { type: "number", name: "quantity", required: true, min: "0.001", step: "any",
    inputmode: "decimal", value: "1" });
  return saveForm({ id: "part-form", button: t("add_part"), buttonId: "add-part" },
    h("div", { class: "row" }, field(t("sku"), sku), field(t("quantity"), quantity)),
    () => {
      if (!sku.value.trim()) return t("sku_required");
      if (!(Number(quantity.value) > 0)) return t("quantity_positive");
      return null;
    },
    async () => {
      // As a decimal string: the API keeps quantities as Decimal, never float.
      await actions.addPart(jobId, { sku: sku.value.trim(), quantity: quantity.value.trim() });
      sku.value = ""; quantity.value = "1";
    });
}

/** Parts used on the job and the form to add one. */
export function partsSection(initial) {
  const list = h("ul", { class: "items", id: "part-list" });
  const element = section("parts", t("parts"), list, isLocked(initial) ? null : partsForm(initial.id));
  function update(job) {
    showItems(list, job.parts, (part) => [
      h("strong", {}, `${formatNumber(part.quantity)} ×`),
      part.product_name || part.name || part.sku || "", part.sku ? h("span", { class: "hint" }, part.sku) : null,
      stateChip(part.state), problemBlock(part),
    ], t("no_parts"));
  }
  update(initial);
  return { element, update };
}
