// The top bar's sync status, on every screen: unsynced count, offline, "Sync now", needs attention.
// On a shared phone the counts are the signed-in technician's own; others' queued changes are named
// (see othersWaiting) so that nobody resets a phone that still holds someone's work.

import { getMeta, setMeta } from "../db.js";
import { h, oncePerFrame, replace } from "../dom.js";
import { t } from "../i18n.js";
import * as outbox from "../outbox.js";
import { user } from "../session.js";

/** Meta key: {userId: name} of the technicians who used this phone, kept while their changes wait. */
export const PEOPLE = "people";

/** Remember the signed-in technician's name, for the notice others see about their waiting changes. */
async function rememberSignedIn() {
  const me = user();
  if (!me) return;
  const people = await getMeta(PEOPLE, {});
  if (people[me.id] !== me.name) await setMeta(PEOPLE, { ...people, [me.id]: me.name });
}

/** Other technicians' changes waiting on this phone for their next sign-in: [{userId, name, count}]. */
export async function othersWaiting() {
  const { others } = await outbox.counts();
  const people = await getMeta(PEOPLE, {});
  return Object.entries(others).map(([userId, count]) => ({ userId, count, name: people[userId] || t("another_technician") }));
}

/** "N changes of <name> wait on this phone until they sign in again", one line per technician. */
export function othersNotice(waiting) {
  if (!waiting.length) return null;
  return h("div", { class: "banner", id: "others-waiting", role: "note" },
    waiting.map(({ userId, name, count }) => h("p", { dataset: { userId, count } }, t("others_waiting", { count, name }))),
    h("p", {}, t("others_waiting_keep")));
}

/** Keep `root` showing the outbox state; `onSyncNow` runs a full sync (outbox and jobs). */
export function mountStatusBar(root, onSyncNow) {
  let syncing = false;

  const render = oncePerFrame(async () => {
    const { unsynced, attention } = await outbox.counts();
    const button = h("button", { type: "button", id: "sync-now", disabled: syncing, onclick: onSyncNow },
      syncing ? t("syncing") : t("sync_now"));
    replace(root,
      navigator.onLine ? null : h("span", { class: "offline" }, t("offline")),
      h("span", { class: "count", id: "unsynced-count", dataset: { count: unsynced } },
        unsynced ? t("unsynced", { count: unsynced }) : t("all_synced")),
      attention ? h("a", { class: "attention", href: "#/attention", id: "attention-link" }, t("attention_count", { count: attention })) : null,
      button);
  });

  outbox.events.addEventListener("change", render);
  outbox.events.addEventListener("syncing", (event) => { syncing = event.detail.active; render(); });
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
  rememberSignedIn().catch((error) => console.error(error));
  render();
  return render;
}
