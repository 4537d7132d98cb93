// Job page section: the technician's internal notes (for the office, not on the customer's receipt).

import * as actions from "../actions.js";
import { field, h } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { isLocked, problemBlock, saveForm, section, showItems, stateChip } from "./common.js";

export const MAX_NOTE = 4000;  // the server's limit

function noteForm(jobId) {
  const text = h("textarea", { name: "note", id: "note-text", maxlength: MAX_NOTE, rows: 4, required: true,
    autocomplete: "off" });
  return saveForm({ id: "note-form", button: t("add_note"), buttonId: "add-note" },
    field(t("new_note"), text, t("note_hint")),
    () => {
      const value = text.value.trim();
      if (!value) return t("note_required");
      if (value.length > MAX_NOTE) return t("note_too_long", { max: MAX_NOTE });
      return null;
    },
    async () => {
      await actions.addNote(jobId, text.value.trim());
      text.value = "";
    });
}

/** The job's notes, oldest first, and the form to add one while the job can still change. */
export function notesSection(initial) {
  const list = h("ul", { class: "items notes", id: "note-list" });
  const element = section("notes", t("notes"), list, isLocked(initial) ? null : noteForm(initial.id));
  function update(job) {
    showItems(list, job.notes, (note) => [
      h("div", {},
        h("p", { class: "hint" }, formatDateTime(note.written_at), note.author?.name ? ` · ${note.author.name}` : ""),
        h("p", { class: "prewrap note-text" }, note.text)),
      stateChip(note.state), problemBlock(note),
    ], t("no_notes"));
  }
  update(initial);
  return { element, update };
}
