// Job page section: take photos (downscaled on the phone), see them with their upload progress.

import * as actions from "../actions.js";
import { announce, field, h } from "../dom.js";
import { t } from "../i18n.js";
import * as outbox from "../outbox.js";
import { objectUrl, prepare } from "../photos.js";
import { isLocked, problemBlock, section, showItems, stateChip } from "./common.js";

/** Photos of the job, the camera button and a caption for the next photo. */
export function photosSection(initial) {
  const urls = new Map();  // key -> object URL of the local thumbnail, made once
  const list = h("ul", { class: "photos", id: "photo-list" });
  const status = h("p", { class: "hint", role: "status" });
  const caption = h("input", { type: "text", name: "caption", maxlength: 500, autocomplete: "off" });
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true,
    id: "photo-input", class: "visually-hidden", tabindex: "-1", "aria-label": t("take_photo") });
  const camera = h("button", { type: "button", class: "primary", id: "take-photo", onclick: () => input.click() },
    t("take_photo"));
  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    for (const [index, file] of files.entries()) {
      status.textContent = t("photo_preparing", { n: index + 1, count: files.length });
      try {
        const photo = await prepare(file);
        await actions.addPhoto(initial.id, photo, caption.value.trim());
      } catch (error) {
        console.error(error);
        announce(t("photo_unreadable"), "error");
      }
    }
    caption.value = "";
    status.textContent = files.length ? t("saved_will_sync") : "";
  });
  const form = isLocked(initial) ? null
    : h("div", { id: "photo-form" }, field(t("caption_optional"), caption), input, h("div", { class: "actions" }, camera), status);
  const element = section("photos", t("photos"), list, form);

  function source(photo) {
    if (photo.thumb) {
      if (!urls.has(photo.key)) urls.set(photo.key, objectUrl(photo.thumb));
      return urls.get(photo.key);
    }
    return photo.thumbnail_url || photo.url;
  }

  function update(job) {
    showItems(list, job.photos, (photo, index) => h("figure", {},
      h("img", { src: source(photo), alt: photo.caption || t("photo_n", { n: index + 1 }), loading: "lazy" }),
      h("figcaption", {}, photo.caption || "", " ", stateChip(photo.state)),
      photo.state === "pending" ? h("progress", { max: 100, value: 0, "aria-label": t("upload_progress") }) : null,
      problemBlock(photo)), t("no_photos"));
  }

  function onProgress(event) {
    const { id, loaded, total } = event.detail;
    const bar = list.querySelector(`li[data-key="${id}"] progress`);
    if (bar) bar.value = Math.round((loaded / total) * 100);
  }

  outbox.events.addEventListener("progress", onProgress);
  update(initial);
  return {
    element, update,
    destroy() {
      outbox.events.removeEventListener("progress", onProgress);
      for (const url of urls.values()) URL.revokeObjectURL(url);
    },
  };
}
