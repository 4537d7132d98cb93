// Service worker of the technician app. Precaches the app shell (versioned), serves it cache-first so
// the app starts with no network at all, leaves /api/ to the network (the app keeps its data and its
// outbox in IndexedDB), and passes Background Sync on to an open app.

// Replaced by a hash of the app's files when served (dispatch/field/views.py): any change to the
// app makes a new version, which installs beside the old one and is offered as an update.
const VERSION = "__SHELL_VERSION__";
const CACHE = `shell-${VERSION}`;
const SHELL = [
  "/app/index.html",
  "/app/manifest.json",
  "/app/css/app.css",
  "/app/icons/icon-192.png",
  "/app/icons/icon-512.png",
  "/app/i18n/en.json",
  "/app/i18n/nl.json",
  "/app/i18n/de.json",
  "/app/js/actions.js",
  "/app/js/api.js",
  "/app/js/db.js",
  "/app/js/dom.js",
  "/app/js/effects.js",
  "/app/js/i18n.js",
  "/app/js/jobs.js",
  "/app/js/main.js",
  "/app/js/outbox.js",
  "/app/js/photos.js",
  "/app/js/session.js",
  "/app/js/signature.js",
  "/app/js/sw-client.js",
  "/app/js/views/attention.js",
  "/app/js/views/common.js",
  "/app/js/views/job.js",
  "/app/js/views/list.js",
  "/app/js/views/parts.js",
  "/app/js/views/photos.js",
  "/app/js/views/sign.js",
  "/app/js/views/statusbar.js",
  "/app/js/views/work.js",
  "/app/vendor/signature_pad-5.1.4/signature_pad.min.js",
];
const APP_PAGES = ["/app/", "/app/index.html"];

self.addEventListener("install", (event) => {
  // cache: "no-cache" revalidates every file with the server (a 304 costs next to nothing right after
  // the first visit loaded them), so a new version never precaches a stale copy from the HTTP cache.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "no-cache" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("shell-") && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();  // the first visit works offline from its next reload on
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();  // the user accepted the update prompt
});

async function fromShell(path, request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(path)) || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;  // network only: not intercepted, the app handles offline
  if (request.mode === "navigate" && APP_PAGES.includes(url.pathname)) {
    event.respondWith(fromShell("/app/index.html", request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(fromShell(url.pathname, request));
  }
});

// Background Sync: the outbox code lives in the page, so wake an open app and wait until it is done.
async function askAppToSync() {
  const [client] = await self.clients.matchAll({ type: "window" });
  if (!client) return;  // nothing open: the app syncs when it is next started
  await new Promise((resolve) => {
    const channel = new MessageChannel();
    const timeout = setTimeout(resolve, 120000);
    channel.port1.onmessage = () => { clearTimeout(timeout); resolve(); };
    client.postMessage({ type: "sync" }, [channel.port2]);
  });
}

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(askAppToSync());
});
