// The signature pad: signature_pad on a canvas that follows its box (rotation, resize) without
// losing the drawing, a minimum amount of ink, and a PNG of the whole signature.

import SignaturePad from "../vendor/signature_pad-5.1.4/signature_pad.min.js";

/** Less ink than this (CSS px of stroke length) is a tap or a dot, not a signature. */
export const MIN_INK = 120;
const OPTIONS = { penColor: "#000", minWidth: 0.8, maxWidth: 2.8 };
const EXPORT_SCALE = 2;

/** Total length of the strokes in `data` (signature_pad's toData()). */
export function inkLength(data) {
  let length = 0;
  for (const group of data) {
    const points = group.points || [];
    for (let i = 1; i < points.length; i += 1) {
      length += Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    }
  }
  return length;
}

function extent(data) {
  let width = 0;
  let height = 0;
  for (const group of data) {
    for (const point of group.points || []) {
      width = Math.max(width, point.x);
      height = Math.max(height, point.y);
    }
  }
  return { width, height };
}

/** A pad on `canvas`; returns {pad, data(), ink(), isEmpty(), clear(), toPng(), destroy()}. */
export function createPad(canvas) {
  const pad = new SignaturePad(canvas, OPTIONS);

  function fit() {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const { width, height } = canvas.getBoundingClientRect();
    if (!width || !height) return;
    const w = Math.round(width * ratio);
    const h = Math.round(height * ratio);
    if (canvas.width === w && canvas.height === h) return;
    const kept = pad.toData();
    canvas.width = w;  // this wipes the pixels ...
    canvas.height = h;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.fromData(kept);  // ... so draw the same strokes again: rotating the phone keeps the signature
  }

  const observer = new ResizeObserver(fit);
  observer.observe(canvas);
  fit();
  canvas.signaturePad = pad;  // reachable for diagnostics (and the browser tests)

  return {
    pad,
    data: () => pad.toData(),
    /** The strokes as the API keeps them: [[{x, y, t}]] (signature_pad adds colours and widths). */
    strokes: () => pad.toData().map((group) => group.points.map((p) => ({
      x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10, t: p.time,
    }))),
    ink: () => inkLength(pad.toData()),
    isEmpty: () => pad.isEmpty(),
    clear: () => pad.clear(),
    /** A PNG data URL of every stroke, on white, even where the canvas is now narrower than the drawing. */
    toPng() {
      const data = pad.toData();
      const box = canvas.getBoundingClientRect();
      const size = extent(data);
      const width = Math.ceil(Math.max(box.width, size.width + 8));
      const height = Math.ceil(Math.max(box.height, size.height + 8));
      const copy = document.createElement("canvas");
      copy.width = width * EXPORT_SCALE;
      copy.height = height * EXPORT_SCALE;
      copy.getContext("2d").scale(EXPORT_SCALE, EXPORT_SCALE);
      const painter = new SignaturePad(copy, { ...OPTIONS, backgroundColor: "#fff" });
      painter.fromData(data);
      painter.off();
      return copy.toDataURL("image/png");
    },
    destroy() {
      observer.disconnect();
      pad.off();
    },
  };
}
