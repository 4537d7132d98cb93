// The top bar's sync status, on every screen: unsynced count, offline, "Sync now", needs attention.
// On a shared phone the counts are the signed-in technician's own (others' are named on the job list).

import { h, oncePerFrame, replace } from "../dom.js";
import { t } from "../i18n.js";
import * as outbox from "../outbox.js";

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
  render();
}
