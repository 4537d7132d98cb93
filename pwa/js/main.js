// Start of the technician app: who is signed in, language, screens by URL hash, and when to sync.

import { ApiError } from "./api.js";
import { announce, h, oncePerFrame, replace } from "./dom.js";
import { pickLanguage, setLanguage, t } from "./i18n.js";
import * as jobs from "./jobs.js";
import * as outbox from "./outbox.js";
import * as session from "./session.js";
import * as swClient from "./sw-client.js";
import * as attentionView from "./views/attention.js";
import * as jobView from "./views/job.js";
import * as listView from "./views/list.js";
import * as signView from "./views/sign.js";
import { mountStatusBar } from "./views/statusbar.js";

const ROUTES = [
  [/^#?\/?$/, listView],
  [/^#\/jobs\/(\d+)$/, jobView],
  [/^#\/jobs\/(\d+)\/sign$/, signView],
  [/^#\/attention$/, attentionView],
];

const main = document.getElementById("main");
let current = null;
let routing = Promise.resolve();

async function show() {
  current?.destroy?.();
  current = null;
  const hash = window.location.hash;
  for (const [pattern, view] of ROUTES) {
    const match = hash.match(pattern);
    if (match) {
      current = await view.mount(main, { id: match[1] ? Number(match[1]) : null });
      main.querySelector("h1")?.focus();  // screen readers and keyboards start at the new screen's title
      return;
    }
  }
  window.location.hash = "#/";
}

/** Screen work runs one piece at a time, in order; a failure is logged and does not stop later work. */
function queueScreenWork(work) {
  routing = routing.then(work).catch((error) => console.error(error));
  return routing;
}

const route = () => queueScreenWork(show);
// Once per frame however many changes came: a screen redraw per outbox record slowed sending (bench_sync).
const refreshScreen = oncePerFrame(() => queueScreenWork(() => current?.refresh?.()));

/** Sync both ways: send the outbox, then fetch the jobs again. */
async function syncAll({ force = false } = {}) {
  await outbox.sync({ force });
  try {
    await jobs.refresh();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) session.goToLogin();
    else if (force) announce(t("offline_kept"), "error");
  }
}

async function start() {
  let me;
  try {
    me = await session.start();
  } catch (error) {
    await setLanguage(pickLanguage()).catch(() => {});
    replace(main, h("h1", {}, t("cannot_start")), h("p", {}, error.status === 403 ? t("not_a_technician") : t("connect_once")));
    return;
  }
  if (!me) return;  // on its way to the sign-in page
  await setLanguage(pickLanguage(me.language));
  if (me.role !== "technician") {  // an office user on a phone whose service worker serves the app
    replace(main, h("h1", {}, t("cannot_start")), h("p", {}, t("not_a_technician")),
      h("p", {}, h("a", { class: "button", href: "/" }, t("to_back_office"))));
    return;
  }
  document.title = t("app_name");
  replace(document.getElementById("brand"), t("app_name"));
  mountStatusBar(document.getElementById("sync-status"), () => syncAll({ force: true }));
  session.rememberSignedIn().catch((error) => console.error(error));
  outbox.events.addEventListener("change", refreshScreen);
  outbox.events.addEventListener("auth", () => session.goToLogin());
  jobs.events.addEventListener("change", refreshScreen);
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => syncAll());
  await route();
  swClient.register(() => outbox.changedElsewhere());
  swClient.persistStorage();
  syncAll();
}

start();
