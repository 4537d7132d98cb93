// The dispatch board: places jobs on the time axis, plans them by drag and drop or through the "Plan this job"
// dialog (keyboard, touch, screen readers), shows a refused plan's conflicts with an override, and redraws the
// board from the server after each change. Without this script the board is a plain list with job links.
(function () {
  "use strict";

  var SNAP = 15;
  var PALETTE = ["#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4d7c0f",
                 "#9333ea", "#374151"];
  var board, zone, dragged = null, pending = null, map = null;

  var format = window.dispatchApi.format;

  // The wall-clock parts of an instant in the company's zone.
  function localParts(date) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23"
    }).formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    return {date: parts.year + "-" + parts.month + "-" + parts.day, time: parts.hour + ":" + parts.minute};
  }

  // The instant at a wall-clock date and time in the company's zone (its offset read back, twice for DST).
  function zonedInstant(dateText, timeText) {
    var d = dateText.split("-").map(Number), t = timeText.split(":").map(Number);
    var wanted = Date.UTC(d[0], d[1] - 1, d[2], t[0], t[1]);
    var guess = wanted;
    for (var i = 0; i < 2; i += 1) {
      var shown = localParts(new Date(guess));
      var s = shown.date.split("-").map(Number), h = shown.time.split(":").map(Number);
      guess += wanted - Date.UTC(s[0], s[1] - 1, s[2], h[0], h[1]);
    }
    return new Date(guess);
  }

  function status(text) {
    var line = document.getElementById("board-status");
    line.textContent = text;
  }

  function reasonsOf(problem) {
    if (problem && problem.errors) {
      return Object.keys(problem.errors).map(function (field) {
        return field + ": " + [].concat(problem.errors[field]).join(" ");
      }).join(" ");
    }
    return (problem && (problem.detail || problem.title)) || "?";
  }

  function call(method, path, body) {
    return window.dispatchApi.call(method, "/api/v1/" + path,
                                   {body: body, idempotencyKey: "board-" + window.dispatchApi.uuid()});
  }

  // Positions from the server's minutes: percentages of the axis (el.style is allowed under the CSP).
  function place(root) {
    var total = Number(board.dataset.axisMinutes || 0);
    if (!total) {
      return;
    }
    root.querySelectorAll(".lanes--day [data-offset]").forEach(function (item) {
      item.style.left = (100 * Number(item.dataset.offset) / total) + "%";
      item.style.width = (100 * Number(item.dataset.length) / total) + "%";
    });
  }

  function cardOf(element) {
    return element && element.closest ? element.closest("[data-job-id]") : null;
  }

  function enhance() {
    board.classList.add("board--js");
    place(document);
    board.querySelectorAll("[data-job-id]").forEach(function (card) {
      card.tabIndex = 0;
      card.draggable = true;
      card.setAttribute("aria-haspopup", "dialog");
    });
  }

  // --- Planning --------------------------------------------------------------------------------------------

  function schedule(card, technicianId, start, overrideReason) {
    var minutes = Number(card.dataset.duration);
    var body = {technician_id: Number(technicianId), start: start.toISOString(),
                end: new Date(start.getTime() + minutes * 60000).toISOString()};
    if (overrideReason) {
      body.override_reason = overrideReason;
    }
    return call("POST", "jobs/" + card.dataset.jobId + "/schedule", body).then(function (answer) {
      if (answer.ok) {
        // Closed before the redraw: a closing dialog gives focus back to the card it opened from, now gone.
        closeDialog(document.getElementById("plan-dialog"));
        var lane = board.querySelector('[data-lane][data-technician-id="' + technicianId + '"]');
        var text = format(board.dataset.textPlanned, {number: card.dataset.jobNumber,
          name: lane ? lane.dataset.technicianName : "", time: localParts(start).time});
        return refresh(card.dataset.jobId).then(function () { status(text); return true; });
      }
      if (answer.status === 409 && answer.body && answer.body.conflicts && answer.body.conflicts.length) {
        showConflicts(card, technicianId, start, answer.body.conflicts);
        return false;
      }
      status(format(board.dataset.textFailed, {reason: reasonsOf(answer.body)}));
      return false;
    }, function () {
      status(format(board.dataset.textFailed, {reason: "network"}));
      return false;
    });
  }

  function unschedule(card) {
    return call("POST", "jobs/" + card.dataset.jobId + "/unschedule", {}).then(function (answer) {
      if (answer.ok) {
        return refresh(card.dataset.jobId).then(function () {
          status(format(board.dataset.textUnplanned, {number: card.dataset.jobNumber}));
        });
      }
      status(format(board.dataset.textFailed, {reason: reasonsOf(answer.body)}));
    });
  }

  function showConflicts(card, technicianId, start, conflicts) {
    var dialog = document.getElementById("conflict-dialog");
    var list = dialog.querySelector("[data-conflicts]");
    list.textContent = "";
    conflicts.forEach(function (conflict) {
      var item = document.createElement("li");
      item.textContent = conflict.message;
      item.dataset.conflict = conflict.code;
      list.appendChild(item);
    });
    dialog.querySelector("textarea").value = "";
    pending = {card: card, technicianId: technicianId, start: start};
    closeDialog(document.getElementById("plan-dialog"));
    dialog.showModal();
    dialog.querySelector("textarea").focus();
  }

  // The board's markup is the server's: fetch this page again and swap the board (and the map's list) in.
  function refresh(jobId) {
    return fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["board", "map-list"].forEach(function (id) {
          var now = document.getElementById(id), next = fresh.getElementById(id);
          if (now && next) {
            if (id === "map-list") {
              next.open = now.open;
            }
            now.replaceWith(document.importNode(next, true));
          }
        });
        board = document.getElementById("board");
        enhance();
        drawMap();
        var card = jobId && document.getElementById("job-card-" + jobId);
        if (card) {
          card.focus();
        }
      });
  }

  // --- Drag and drop ---------------------------------------------------------------------------------------

  function dropStart(target, event) {
    if (target.dataset.drop === "lane") {
      var rect = target.getBoundingClientRect();
      var total = Number(board.dataset.axisMinutes);
      var ratio = Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1);
      var minutes = Math.round((ratio * total) / SNAP) * SNAP;
      return new Date(Date.parse(board.dataset.axisStart) + minutes * 60000);
    }
    var offset = dragged && dragged.dataset.dayOffset ? dragged.dataset.dayOffset : board.dataset.defaultOffset;
    return new Date(Date.parse(target.dataset.dayStart) + Number(offset) * 60000);
  }

  function clearHints() {
    board.querySelectorAll(".drop-hint").forEach(function (hint) { hint.remove(); });
    board.querySelectorAll(".is-drop-target").forEach(function (el) { el.classList.remove("is-drop-target"); });
  }

  function onDragStart(event) {
    var card = cardOf(event.target);
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("is-dragged");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.jobNumber);
  }

  function onDragOver(event) {
    var target = dragged && event.target.closest && event.target.closest("[data-drop]");
    if (!target) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearHints();
    target.classList.add("is-drop-target");
    if (target.dataset.drop === "lane") {
      var start = dropStart(target, event);
      var hint = document.createElement("span");
      hint.className = "drop-hint";
      var minutes = (start - Date.parse(board.dataset.axisStart)) / 60000;
      hint.style.left = (100 * minutes / Number(board.dataset.axisMinutes)) + "%";
      hint.textContent = format(board.dataset.textDrop, {time: localParts(start).time});
      target.appendChild(hint);
    }
  }

  function onDrop(event) {
    var target = dragged && event.target.closest && event.target.closest("[data-drop]");
    if (!target) {
      return;
    }
    event.preventDefault();
    var card = dragged;
    clearHints();
    if (target.dataset.drop === "queue") {
      if (card.dataset.technicianId) {
        unschedule(card);
      }
      return;
    }
    var lane = target.closest("[data-lane]");
    schedule(card, lane.dataset.technicianId, dropStart(target, event));
  }

  function onDragEnd() {
    if (dragged) {
      dragged.classList.remove("is-dragged");
    }
    dragged = null;
    clearHints();
  }

  // --- The "Plan this job" dialog ------------------------------------------------------------------------

  function closeDialog(dialog) {
    if (dialog.open) {
      dialog.close();
    }
  }

  function openPlan(card) {
    var dialog = document.getElementById("plan-dialog");
    var form = dialog.querySelector("form");
    pending = {card: card};
    dialog.querySelector("[data-plan-number]").textContent = card.dataset.jobNumber;
    var title = card.querySelector(".job-card__title");
    var where = card.querySelector(".job-card__where");
    dialog.querySelector("[data-plan-summary]").textContent =
      [title ? title.textContent.trim().replace(/\s+/g, " ") : "", where ? where.textContent.trim() : ""]
        .filter(Boolean).join(" · ");
    var error = dialog.querySelector("[data-plan-error]");
    error.hidden = true;
    form.elements.technician_id.value = card.dataset.technicianId || "";
    if (card.dataset.start) {
      var local = localParts(new Date(card.dataset.start));
      form.elements.date.value = local.date;
      form.elements.time.value = local.time;
    } else {
      var offset = Number(board.dataset.defaultOffset);
      form.elements.date.value = board.dataset.day;
      form.elements.time.value = ("0" + Math.floor(offset / 60)).slice(-2) + ":" + ("0" + offset % 60).slice(-2);
    }
    dialog.querySelector("[data-plan-unschedule]").hidden = !card.dataset.technicianId;
    dialog.showModal();
    form.elements.technician_id.focus();
    suggest();
  }

  function suggest() {
    var dialog = document.getElementById("plan-dialog");
    var form = dialog.querySelector("form");
    var box = dialog.querySelector("[data-plan-suggestions]");
    if (!pending || !form.elements.date.value) {
      return;
    }
    var start = zonedInstant(form.elements.date.value, form.elements.time.value || "00:00");
    var jobId = pending.card.dataset.jobId;
    box.textContent = "…";
    fetch("/api/v1/jobs/" + jobId + "/suggestions?limit=5&start=" + encodeURIComponent(start.toISOString()), {
      credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.ok ? response.json() : [];
    }).then(function (suggestions) {
      if (!pending || pending.card.dataset.jobId !== jobId) {
        return;
      }
      box.textContent = "";
      if (!suggestions.length) {
        box.textContent = board.dataset.textNoSuggestions;
        return;
      }
      var list = document.createElement("ul");
      list.className = "suggestions";
      suggestions.forEach(function (suggestion) {
        var item = document.createElement("li");
        item.className = "suggestion";
        var text = document.createElement("div");
        var name = document.createElement("strong");
        name.textContent = suggestion.name;
        text.appendChild(name);
        var at = suggestion.earliest_start ? localParts(new Date(suggestion.earliest_start)) : null;
        if (at) {
          text.appendChild(document.createTextNode(" · " + format(board.dataset.textEarliest, {time: at.time})));
        }
        var reasons = document.createElement("p");
        reasons.className = "suggestion__reasons";
        reasons.textContent = (suggestion.reasons || []).join(", ");
        text.appendChild(reasons);
        var choose = document.createElement("button");
        choose.type = "button";
        choose.className = "button button--small";
        choose.textContent = board.dataset.textChoose;
        choose.setAttribute("aria-label", board.dataset.textChoose + " " + suggestion.name +
          (at ? " " + at.date + " " + at.time : ""));
        choose.addEventListener("click", function () {
          form.elements.technician_id.value = String(suggestion.technician_id);
          if (at) {
            form.elements.date.value = at.date;
            form.elements.time.value = at.time;
          }
          form.querySelector('button[type="submit"]').focus();
        });
        item.appendChild(text);
        item.appendChild(choose);
        list.appendChild(item);
      });
      box.appendChild(list);
    }, function () {
      box.textContent = "";
    });
  }

  function submitPlan(event) {
    event.preventDefault();
    var dialog = document.getElementById("plan-dialog");
    var form = event.target;
    var error = dialog.querySelector("[data-plan-error]");
    if (!form.reportValidity()) {
      return;
    }
    var start = zonedInstant(form.elements.date.value, form.elements.time.value);
    schedule(pending.card, form.elements.technician_id.value, start).then(function (done) {
      if (done) {
        closeDialog(dialog);
      } else if (dialog.open) {
        error.textContent = document.getElementById("board-status").textContent;
        error.hidden = false;
      }
    });
  }

  function submitOverride(event) {
    event.preventDefault();
    var dialog = document.getElementById("conflict-dialog");
    var reason = event.target.elements.override_reason.value.trim();
    if (!reason || !pending) {
      event.target.reportValidity();
      return;
    }
    var plan = pending;
    closeDialog(dialog);
    schedule(plan.card, plan.technicianId, plan.start, reason);
  }

  // --- Map of the day ----------------------------------------------------------------------------------------

  function drawMap() {
    var canvas = document.getElementById("board-map");
    if (!canvas || !window.L) {
      return;
    }
    if (!map) {
      map = window.L.map(canvas, {scrollWheelZoom: false});
      window.L.tileLayer(canvas.dataset.tileUrl, {attribution: canvas.dataset.attribution, maxZoom: 19})
        .addTo(map);
      map.layer = window.L.layerGroup().addTo(map);
    }
    map.layer.clearLayers();
    var points = [];
    document.querySelectorAll("#map-list [data-marker]").forEach(function (item) {
      var point = [Number(item.dataset.lat), Number(item.dataset.lon)];
      var kind = item.dataset.marker;
      var colour = kind === "queue" ? "#6b7280" : PALETTE[Number(item.dataset.colour) % PALETTE.length];
      var marker = window.L.circleMarker(point, {
        radius: kind === "home" ? 5 : 8, color: colour, fillColor: kind === "home" ? "#ffffff" : colour,
        fillOpacity: 0.85, weight: kind === "home" ? 3 : 2, className: "map-marker map-marker--" + kind
      });
      marker.bindTooltip(item.dataset.label);
      marker.addTo(map.layer);
      points.push(point);
    });
    if (points.length) {
      map.fitBounds(points, {padding: [24, 24], maxZoom: 13});
    } else {
      map.setView([52.1, 5.3], 7);
    }
  }

  // --- Wiring ------------------------------------------------------------------------------------------------

  function init() {
    board = document.getElementById("board");
    if (!board) {
      return;
    }
    zone = board.dataset.zone;
    enhance();
    document.addEventListener("dragstart", onDragStart);
    document.addEventListener("dragover", onDragOver);
    document.addEventListener("drop", onDrop);
    document.addEventListener("dragend", onDragEnd);
    document.addEventListener("keydown", function (event) {
      var card = cardOf(event.target);
      if (card && event.target === card && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        openPlan(card);
      }
    });
    document.addEventListener("click", function (event) {
      var card = cardOf(event.target);
      if (card && !event.target.closest("a") && !event.target.closest("dialog")) {
        openPlan(card);
      }
    });
    var planDialog = document.getElementById("plan-dialog");
    planDialog.querySelector("form").addEventListener("submit", submitPlan);
    planDialog.querySelector("[data-plan-unschedule]").addEventListener("click", function () {
      var card = pending && pending.card;
      closeDialog(planDialog);
      if (card) {
        unschedule(card);
      }
    });
    ["date", "time"].forEach(function (name) {
      planDialog.querySelector("form").elements[name].addEventListener("change", suggest);
    });
    document.getElementById("conflict-form").addEventListener("submit", submitOverride);
    document.querySelectorAll(".board-dialog [data-close]").forEach(function (button) {
      button.addEventListener("click", function () { closeDialog(button.closest("dialog")); });
    });
    drawMap();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
