// The service worker from the page's side: registration, "new version" prompt, persistent storage,
// and Background Sync wake-ups (the worker asks an open app to sync its outbox).

import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

/** Register /app/sw.js; `onSyncRequest()` runs when the worker relays a Background Sync. */
export async function register(onSyncRequest) {
  if (!("serviceWorker" in navigator)) return null;
  navigator.serviceWorker.addEventListener("message", async (event) => {
    if (event.data?.type !== "sync") return;
    try { await onSyncRequest(); } finally { event.ports[0]?.postMessage({ done: true }); }
  });
  let registration;
  try {
    registration = await navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" });
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
