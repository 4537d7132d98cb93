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

/**
 * `work` wrapped so that a burst of calls runs it once, at the next frame. The outbox reports each record
 * it sends (and the service worker its own), faster than a screen redraws: a redraw per record slowed
 * sending down. A hidden page gets no frames, so a timer stands in.
 */
export function oncePerFrame(work) {
  let waiting = false;
  let frame = 0;
  let timer = 0;
  const run = () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    waiting = false;
    work();
  };
  return () => {
    if (waiting) return;
    waiting = true;
    frame = requestAnimationFrame(run);
    timer = setTimeout(run, 100);
  };
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
