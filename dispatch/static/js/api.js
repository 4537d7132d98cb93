// Helpers shared by the back-office scripts that talk to the JSON API (the board, bulk approval): message
// templates, request ids and a same-origin call that carries the page's CSRF token. Load it before them.
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  // One API request; answers {status, ok, body} with body null when the answer is not JSON. The CSRF token is
  // the page's unless the caller passes its form's; a JSON body is sent only when one is given.
  function call(method, url, options) {
    options = options || {};
    var meta = document.querySelector('meta[name="csrf-token"]');
    var headers = {"Accept": "application/json"};
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    headers["X-CSRFToken"] = options.token !== undefined ? options.token : (meta ? meta.content : "");
    if (options.idempotencyKey) {
      headers["Idempotency-Key"] = options.idempotencyKey;
    }
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body)
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (json) {
        return {status: response.status, ok: response.ok, body: json};
      });
    });
  }

  window.dispatchApi = {format: format, uuid: uuid, call: call};
})();
