// The technician's calendar link: their jobs as an iCalendar feed for the phone's calendar app. The server
// shows a link once (it keeps only a hash), so this section keeps it on screen until the app is closed.

import { ApiError, request } from "../api.js";
import { announce, h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { busy, section } from "./common.js";

/** A section with a "Calendar link" button; the new link is shown with a copy button. */
export function calendarLinkSection() {
  const result = h("div", { id: "calendar-link-result", class: "calendar-link" });
  const create = h("button", { type: "button", id: "calendar-link" }, t("calendar_link"));
  create.addEventListener("click", () => busy(create, async () => {
    let url;
    try {
      url = (await request("POST", "/me/calendar-feed")).body.url;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      announce(error.status === 0 ? t("calendar_link_offline") : error.message, "error");
      return;
    }
    show(url);
  }));

  function show(url) {
    // A textarea, not an input: the whole link wraps on a narrow screen, for the technician to check it.
    const input = h("textarea",
      { id: "calendar-url", class: "calendar-url", readonly: true, rows: 3, spellcheck: "false" }, url);
    const copy = h("button", { type: "button", id: "copy-calendar-link" }, t("copy"));
    copy.addEventListener("click", async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(url);
        announce(t("copied"));
      } catch {
        announce(t("copy_by_hand"), "error");  // no clipboard permission: the text is selected for the user
      }
    });
    replace(result,
      h("label", { for: input.id }, t("calendar_link_label")), input, copy,
      h("p", { class: "hint" }, t("calendar_link_hint")));
  }

  const element = section("calendar", t("calendar"), h("p", { class: "hint" }, t("calendar_intro")), create, result);
  return { element };
}
