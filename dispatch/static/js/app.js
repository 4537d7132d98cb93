// Back-office behaviour on top of plain HTML forms: everything works without it, this makes it quicker.
(function () {
  "use strict";

  // htmx requests carry the page's CSRF token, as Flask-WTF expects it.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.content;
    }
  });

  // Sections that belong to one choice of a radio group ("existing" or "new" customer) show only when chosen.
  function syncSections(root) {
    root.querySelectorAll("[data-mode-group]").forEach(function (group) {
      var name = group.getAttribute("data-mode-group");
      var checked = group.querySelector('input[name="' + name + '"]:checked');
      var mode = checked ? checked.value : null;
      document.querySelectorAll('[data-mode-section][data-mode-for="' + name + '"]').forEach(function (section) {
        var active = section.getAttribute("data-mode-section") === mode;
        section.hidden = !active;
      });
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("[data-mode-group]")) {
      syncSections(document);
    }
  });

  // After a refused form, take keyboard and screen-reader users to the list of what to correct.
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncSections(document);
    focusErrors();
  });
})();
