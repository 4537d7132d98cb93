// Building DOM without innerHTML: server text is always inserted as text, never parsed as HTML.

/**
 * h("button", {class: "primary", onclick: fn}, "Save") -> <button>. Attributes starting with "on"
 * become listeners; `false`/null/undefined attributes and children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the content of `element` with `children`. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let idCounter = 0;

/** A unique id for label/control pairs. */
export function uid(prefix = "f") {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form control: <div class="field"><label for>…</label><control id></div>. */
export function field(label, control, hint) {
  control.id ||= uid();
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null);
}

/** A short message in the polite live region (read out by screen readers, shown as a toast). */
export function announce(message, kind = "info") {
  const region = document.getElementById("toast");
  if (!region) return;
  region.className = `toast ${kind}`;
  region.textContent = message;
  region.hidden = false;
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => { region.hidden = true; }, 5000);
}
