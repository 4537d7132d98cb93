// Bulk approval on the invoice list: approves the selected drafts one at a time through the API, so the
// progress bar moves with each invoice and one refused invoice never stops the others. Without this
// script the same form posts to the server, which approves them all and lists what was refused.
(function () {
  "use strict";

  var format = window.dispatchApi.format;

  // The reasons of a problem+json answer, in the words the server chose (field errors first).
  function reasonsOf(problem, fallback) {
    if (problem && problem.errors) {
      return Object.keys(problem.errors).map(function (field) {
        return [].concat(problem.errors[field]).join(" ");
      }).join(" ");
    }
    return (problem && (problem.detail || problem.title)) || fallback;
  }

  function approve(form, checkbox, batch) {
    var token = form.querySelector('input[name="csrf_token"]').value;
    return window.dispatchApi.call("POST", "/api/v1/invoices/" + checkbox.value + "/approve", {
      token: token, idempotencyKey: "bulk-approve-" + batch + "-" + checkbox.value
    }).then(null, function () {
      return {ok: false, body: null};
    });
  }

  function markApproved(form, checkbox, invoice) {
    var row = form.querySelector('[data-invoice-row="' + checkbox.value + '"]');
    if (row) {
      var link = row.querySelector("[data-invoice-link]");
      var status = row.querySelector("[data-invoice-status]");
      if (link && invoice && invoice.number) {
        link.textContent = invoice.number;
      }
      if (status) {
        var badge = document.createElement("span");
        badge.className = "badge badge--blue";
        badge.textContent = form.dataset.approvedText;
        status.textContent = "";
        status.appendChild(badge);
      }
    }
    checkbox.checked = false;
    checkbox.disabled = true;
  }

  function showSummary(form, summary, counts, refused) {
    summary.textContent = "";
    var line = document.createElement("p");
    line.textContent = format(form.dataset.doneText, counts);
    summary.appendChild(line);
    if (refused.length) {
      var heading = document.createElement("p");
      heading.textContent = form.dataset.refusedText;
      summary.appendChild(heading);
      var list = document.createElement("ul");
      refused.forEach(function (item) {
        var entry = document.createElement("li");
        var link = document.createElement("a");
        link.href = "/invoices/" + item.id;
        link.textContent = item.label;
        entry.appendChild(link);
        entry.appendChild(document.createTextNode(": " + item.reasons));
        list.appendChild(entry);
      });
      summary.appendChild(list);
    }
    summary.hidden = false;
    summary.focus();
  }

  function run(form, selected) {
    var progress = form.querySelector("progress");
    var summary = form.querySelector("#bulk-summary");
    var button = form.querySelector('button[type="submit"]');
    var batch = window.dispatchApi.uuid();
    var refused = [];
    var approved = 0;
    progress.max = selected.length;
    progress.value = 0;
    progress.hidden = false;
    button.disabled = true;
    summary.hidden = false;
    summary.textContent = format(form.dataset.progressText, {done: 0, total: selected.length});

    var chain = Promise.resolve();
    selected.forEach(function (checkbox, index) {
      chain = chain.then(function () {
        return approve(form, checkbox, batch);
      }).then(function (answer) {
        if (answer.ok) {
          approved += 1;
          markApproved(form, checkbox, answer.body);
        } else {
          refused.push({id: checkbox.value, label: checkbox.dataset.label,
                        reasons: reasonsOf(answer.body, form.dataset.networkText)});
        }
        progress.value = index + 1;
        summary.textContent = format(form.dataset.progressText, {done: index + 1, total: selected.length});
      });
    });
    return chain.then(function () {
      button.disabled = false;
      showSummary(form, summary, {approved: approved, total: selected.length, refused: refused.length}, refused);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-bulk-approve]");
    if (!form) {
      return;
    }
    var selectAll = form.querySelector("[data-select-all]");
    if (selectAll) {
      selectAll.addEventListener("change", function () {
        form.querySelectorAll('input[name="invoice_id"]:not(:disabled)').forEach(function (box) {
          box.checked = selectAll.checked;
        });
      });
    }
    form.addEventListener("submit", function (event) {
      var selected = Array.prototype.slice.call(form.querySelectorAll('input[name="invoice_id"]:checked'));
      if (!selected.length || !window.fetch || !window.Promise) {
        return; // the server answers: it asks to select drafts first, or approves them without a bar
      }
      event.preventDefault();
      if (selectAll) {
        selectAll.checked = false;
      }
      run(form, selected);
    });
  });
})();
