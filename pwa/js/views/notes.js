// Job page section: the technician's internal notes (for the office, not on the customer's receipt).

import * as actions from "../actions.js";
import { announce, field, h, replace } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { isLocked, problemBlock, stateChip } from "./common.js";
import { busy } from "./work.js";

export const MAX_NOTE = 4000;  // the server's limit

function noteForm(jobId) {
  const text = h("textarea", { name: "note", id: "note-text", maxlength: MAX_NOTE, rows: 4, required: true,
    autocomplete: "off" });
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", id: "add-note" }, t("add_note"));
  const form = h("form", { id: "note-form", novalidate: true },
    field(t("new_note"), text, t("note_hint")), error, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.textContent = "";
    const value = text.value.trim();
    if (!value) { error.textContent = t("note_required"); return; }
    if (value.length > MAX_NOTE) { error.textContent = t("note_too_long", { max: MAX_NOTE }); return; }
    busy(submit, async () => {
      await actions.addNote(jobId, value);
      text.value = "";
      announce(t("saved_will_sync"));
    });
  });
  return form;
}

/** The job's notes, oldest first, and the form to add one while the job can still change. */
export function notesSection(initial) {
  const list = h("ul", { class: "items notes", id: "note-list" });
  const element = h("section", { class: "section", "aria-labelledby": "h-notes", id: "section-notes" },
    h("h2", { id: "h-notes" }, t("notes")), list, isLocked(initial) ? null : noteForm(initial.id));
  function update(job) {
    const notes = job.notes || [];
    replace(list, notes.length ? notes.map((note) => h("li", { dataset: { key: note.key || note.id } },
      h("div", {},
        h("p", { class: "hint" }, formatDateTime(note.written_at), note.author?.name ? ` · ${note.author.name}` : ""),
        h("p", { class: "prewrap note-text" }, note.text)),
      stateChip(note.state), problemBlock(note))) : h("li", { class: "hint" }, t("no_notes")));
  }
  update(initial);
  return { element, update };
}
