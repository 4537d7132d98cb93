// Photos from the camera, made small on the phone: at most 2048 px on the long edge, decoded
// straight to that size by createImageBitmap (never drawn on a full-size canvas), JPEG re-encoded
// (which also drops the camera's metadata, GPS included).

export const MAX_EDGE = 2048;
export const THUMB_EDGE = 320;
const QUALITY = 0.85;

/** Width and height as displayed (EXIF orientation applied), read without decoding the pixels. */
function dimensions(blob) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.onload = () => { URL.revokeObjectURL(url); resolve({ width: img.naturalWidth, height: img.naturalHeight }); };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("not an image")); };
    img.src = url;
  });
}

/** The size that fits `edge` on the long side (never enlarged). */
export function fit(width, height, edge) {
  const scale = Math.min(1, edge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function encode(bitmap, type, quality) {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0);
    return canvas.convertToBlob({ type, quality });
  }
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0);
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/**
 * A camera file made ready for the outbox: {buffer, type, name, width, height, thumb: {buffer, type}}.
 * ArrayBuffers rather than Blobs, which Safari cannot always keep in IndexedDB.
 */
export async function prepare(file) {
  const original = await dimensions(file);
  const size = fit(original.width, original.height, MAX_EDGE);
  const bitmap = await createImageBitmap(file, {
    resizeWidth: size.width, resizeHeight: size.height, resizeQuality: "high", imageOrientation: "from-image",
  });
  try {
    const blob = await encode(bitmap, "image/jpeg", QUALITY);
    const thumbSize = fit(size.width, size.height, THUMB_EDGE);
    const thumbBitmap = await createImageBitmap(bitmap, { resizeWidth: thumbSize.width, resizeHeight: thumbSize.height, resizeQuality: "medium" });
    const thumb = await encode(thumbBitmap, "image/jpeg", 0.7);
    thumbBitmap.close();
    // The camera writes the file when the photo is taken; a clock in the future is not believed.
    const takenAt = new Date(Math.min(file.lastModified || Date.now(), Date.now())).toISOString();
    const stem = (file.name || "photo").replace(/\.[^.]*$/, "") || "photo";
    return {
      buffer: await blob.arrayBuffer(), type: "image/jpeg", name: `${stem}.jpg`, ...size,
      original, takenAt, thumb: { buffer: await thumb.arrayBuffer(), type: "image/jpeg" },
    };
  } finally {
    bitmap.close();
  }
}

/** An object URL for stored bytes (the caller revokes it). */
export function objectUrl(stored) {
  return URL.createObjectURL(new Blob([stored.buffer], { type: stored.type }));
}
