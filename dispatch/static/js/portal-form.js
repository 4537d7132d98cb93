// The customer portal's forms: help articles matching the subject as it is typed, and a first check of the
// chosen files (number and size) before a long upload. The server checks everything again; without this
// script the forms work the same, minus the suggestions.
(function () {
  "use strict";

  var MAX_SHOWN = 5;
  var DELAY_MS = 300;

  function suggestArticles(input, box) {
    var list = box.querySelector("ul");
    var timer = null;
    var latest = 0;

    function show(items) {
      list.textContent = "";
      items.slice(0, MAX_SHOWN).forEach(function (item) {
        var entry = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;  // text, never markup
        link.target = "_blank";
        link.rel = "noopener";
        entry.appendChild(link);
        if (item.summary) {
          var summary = document.createElement("span");
          summary.className = "small muted";
          summary.textContent = " · " + item.summary;
          entry.appendChild(summary);
        }
        list.appendChild(entry);
      });
      box.hidden = list.children.length === 0;
    }

    function ask() {
      var words = input.value.trim();
      if (words.length < 3) {
        show([]);
        return;
      }
      var asked = ++latest;
      var url = box.dataset.url + "?q=" + encodeURIComponent(words.slice(0, 200)) +
        "&lang=" + encodeURIComponent(box.dataset.lang || "");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (body) {
          if (asked === latest) show(Array.isArray(body.items) ? body.items : []);
        })
        .catch(function () { if (asked === latest) show([]); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
  }

  function checkFiles(form) {
    var input = form.querySelector('input[type="file"]');
    var note = form.querySelector("#attachments-check");
    if (!input || !note) return;
    var maxFiles = Number(form.dataset.maxFiles);
    var maxBytes = Number(form.dataset.maxBytes);

    input.addEventListener("change", function () {
      var problem = "";
      var files = Array.prototype.slice.call(input.files || []);
      if (files.length > maxFiles) {
        problem = form.dataset.tooMany;
      } else {
        files.forEach(function (file) {
          if (!problem && file.size > maxBytes) problem = file.name + ": " + form.dataset.tooBig;
          if (!problem && file.size === 0) problem = file.name + ": " + form.dataset.empty;
        });
      }
      input.setCustomValidity(problem);
      note.textContent = problem;
      note.hidden = !problem;
      if (problem) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var subject = document.querySelector('[data-suggest="subject"]');
    var box = document.getElementById("suggestions");
    if (subject && box && window.fetch) suggestArticles(subject, box);
    Array.prototype.forEach.call(document.querySelectorAll("form.portal-form"), checkFiles);
  });
})();
