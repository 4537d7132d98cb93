// Service worker of the technician app (a module worker: registered with type "module"). Precaches the
// app shell (versioned), serves it cache-first so the app starts with no network at all, leaves /api/
// to the network (the app keeps its data and its outbox in IndexedDB), and sends the outbox itself on
// Background Sync, so that queued work reaches the server even when no app window is open.

import * as outbox from "./js/outbox.js";

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
  "/app/js/views/map.js",
  "/app/js/views/notes.js",
  "/app/js/changes.js",
  "/app/js/views/calendar-link.js",
  "/app/js/views/changes.js",
  "/app/js/views/checklist.js",
  "/app/vendor/signature_pad-5.1.4/signature_pad.min.js",
  "/app/vendor/leaflet-1.9.4/leaflet.js",
  "/app/vendor/leaflet-1.9.4/leaflet.css",
  "/app/vendor/leaflet-1.9.4/images/marker-icon.png",
  "/app/vendor/leaflet-1.9.4/images/marker-icon-2x.png",
  "/app/vendor/leaflet-1.9.4/images/marker-shadow.png",
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

// Background Sync. The worker sends the outbox itself: an open app may be frozen in the background, and
// a closed one cannot. The app's own rounds and this one take turns under one lock, each sending only
// what is still queued, so nothing goes twice; a 401 leaves every record as it is.
async function tellApps() {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage({ type: "outbox-changed" });
}

outbox.events.addEventListener("change", () => { tellApps().catch(() => {}); });

async function sendOutbox() {
  // The browser fires this when it finds the connection back: skip the backoff, and do not wait for the
  // worker's navigator.onLine, which can lag behind (a failed event is only fired again minutes later).
  const outcome = await outbox.sync({ force: true, online: true });
  // A failed sync event is fired again later by the browser (with its own backoff).
  if (!["done", "auth"].includes(outcome)) throw new Error(`outbox not sent yet (${outcome})`);
}

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(sendOutbox());
});

// ---- Map tiles of the job page's map (views/map.js) -------------------------------------------------
// A runtime cache of its own (kept across app versions): tiles the app has shown stay available, so a
// map seen online still shows offline. Only cross-origin z/x/y images that arrived intact (CORS, 2xx;
// never opaque responses, whose size the browser cannot account for); at most TILE_LIMIT, the oldest
// fetched go first; one older than TILE_MAX_AGE_MS is fetched again when the network allows.
const TILE_CACHE = "map-tiles-v1";
const TILE_LIMIT = 300;
const TILE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const TILE_PATH = /\/\d+\/\d+\/\d+(@2x)?\.(png|jpe?g|webp)$/;

function isTile(request, url) {
  return request.method === "GET" && request.destination === "image" && url.origin !== self.location.origin
    && TILE_PATH.test(url.pathname);
}

async function keepTile(cache, request, response) {
  const headers = new Headers(response.headers);
  headers.set("x-fetched-at", String(Date.now()));
  await cache.delete(request);  // put again at the end: the cache's order is the order of fetching
  await cache.put(request, new Response(await response.blob(), { status: response.status, headers }));
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - TILE_LIMIT)).map((key) => cache.delete(key)));
}

async function tile(event) {
  const cache = await caches.open(TILE_CACHE);
  const cached = await cache.match(event.request);
  if (cached && Date.now() - Number(cached.headers.get("x-fetched-at")) < TILE_MAX_AGE_MS) return cached;
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "cors") event.waitUntil(keepTile(cache, event.request, response.clone()));
    return response;
  } catch {
    // Offline: an old tile is better than none; no tile is a grey square, never a broken page.
    return cached || new Response(null, { status: 504, statusText: "Offline" });
  }
}

self.addEventListener("fetch", (event) => {
  if (isTile(event.request, new URL(event.request.url))) event.respondWith(tile(event));
});
