// The service worker from the page's side: registration, "new version" prompt, persistent storage,
// and word from the worker that it sent outbox records (on Background Sync), so the screens redraw.

import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

/** Register /app/sw.js; `onOutboxChange()` runs when the worker changed the outbox. */
export async function register(onOutboxChange) {
  if (!("serviceWorker" in navigator)) return null;
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "outbox-changed") onOutboxChange();
  });
  let registration;
  try {
    // A module worker: it imports the app's outbox code. "none": its imports are checked for updates too.
    registration = await navigator.serviceWorker.register("/app/sw.js",
      { type: "module", scope: "/app/", updateViaCache: "none" });
  } catch (error) {
    console.warn("service worker not registered", error);
    return null;
  }
  watchForUpdates(registration);
  return registration;
}

function watchForUpdates(registration) {
  // A first install is not an update: only prompt when a worker already controls this page.
  const prompt = (worker) => { if (navigator.serviceWorker.controller) showUpdatePrompt(worker); };
  if (registration.waiting) prompt(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => { if (worker.state === "installed") prompt(worker); });
  });
}

function showUpdatePrompt(worker) {
  const banner = document.getElementById("update");
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!reloading) { reloading = true; window.location.reload(); }
  });
  replace(banner, h("span", {}, t("update_ready")),
    h("button", { type: "button", class: "primary", id: "update-now", onclick: () => worker.postMessage({ type: "SKIP_WAITING" }) },
      t("update_now")));
  banner.hidden = false;
}

/** Ask the browser not to evict our data (queued photos!) under storage pressure. */
export async function persistStorage() {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) await navigator.storage.persist();
  } catch {
    // Not granted or not supported: the data stays, only without the eviction guarantee.
  }
}
