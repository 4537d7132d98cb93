// Canned responses on the ticket page: "Insert" fetches the response filled in for this ticket and puts it
// into the reply text where the cursor is (at the end while the agent has not been in the box). Without this
// script the picker's form reloads the page with the text already in the reply box (?canned=<id>); with it, a
// failed fetch says so and never reloads, which would throw away what the agent typed.
(function () {
  "use strict";

  function insert(target, text) {
    // A textarea holds line breaks as LF; text saved from a form may carry CRLF, which would put the cursor
    // one place further per line than the text it counts.
    text = text.replace(/\r\n?/g, "\n");
    var touched = target.hasAttribute("data-canned-touched");
    var start = touched ? target.selectionStart || 0 : target.value.length;
    var end = touched ? target.selectionEnd || 0 : target.value.length;
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
        throw new Error(response.status === 404 ? "data-gone" : "data-failed");
      }
      return response.json();  // a login page after an expired session fails here: "data-failed"
    }).then(function (body) {
      insert(target, body.text);
      say(status, form.getAttribute("data-inserted"));
    }).catch(function (error) {
      say(status, form.getAttribute(error.message === "data-gone" ? "data-gone" : "data-failed"));
    });
  }

  function say(status, message) {
    if (status) {
      status.textContent = message;
    }
  }

  // Where the agent has been in the reply box, the cursor there is where a response goes.
  document.addEventListener("focusin", function (event) {
    var box = event.target;
    if (box && box.tagName === "TEXTAREA") {
      box.setAttribute("data-canned-touched", "");
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-canned-picker")) {
      pick(form, event);
    }
  });
})();
