// Canned responses on the ticket page: "Insert" fetches the response filled in for this ticket and puts it
// into the reply text where the cursor is. Without this script the picker's form reloads the page with the
// text already in the reply box (?canned=<id>).
(function () {
  "use strict";

  function insert(target, text) {
    var start = target.selectionStart || 0;
    var end = target.selectionEnd || 0;
    var before = target.value.slice(0, start);
    var after = target.value.slice(end);
    target.value = before + text + after;
    target.selectionStart = target.selectionEnd = start + text.length;
    target.dispatchEvent(new Event("input", {bubbles: true}));
    target.focus();
  }

  function pick(form, event) {
    var select = form.querySelector("select[name=canned]");
    var target = document.getElementById(form.getAttribute("data-target"));
    var status = form.querySelector("[data-canned-status]");
    if (!select || !select.value || !target) {
      return;  // nothing to insert into: let the form reload the page
    }
    event.preventDefault();
    var url = form.getAttribute("data-url").replace(/0$/, select.value);
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (body) {
      insert(target, body.text);
      if (status) {
        status.textContent = form.getAttribute("data-inserted");
      }
    }).catch(function () {
      form.submit();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-canned-picker")) {
      pick(form, event);
    }
  });
})();
