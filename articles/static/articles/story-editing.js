// The story form: an autosave a few seconds after typing stops (a draft copy on the server, not a
// revision), and a heartbeat that keeps "also open by" current. Without JavaScript the form works
// the same; only these two helpers are missing.
// The admin loads it in the page's head, so it starts once the form is there.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var config = document.getElementById("story-editing");
  var form = document.getElementById("article_form");
  if (!config || !form || !window.fetch) return;

  var status = document.getElementById("autosave-status");
  var others = document.getElementById("others-editing");
  var delay = (parseInt(config.dataset.delay, 10) || 3) * 1000;
  // While an earlier autosave is offered back, saving this page's text would replace it: wait for a choice.
  var offerPending = "offerPending" in config.dataset;
  var HEARTBEAT = 30000;

  function snapshot() {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") parts.push(name + "=" + value);
    });
    return parts.join("&");
  }

  function post(extra) {
    var body = new FormData(form);
    body.append("_story", config.dataset.story);
    Object.keys(extra).forEach(function (name) { body.append(name, extra[name]); });
    return fetch(config.dataset.autosaveUrl, {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  function showOthers(names) {
    if (!others || !names) return;
    others.hidden = names.length === 0;
    others.textContent = names.length ? config.dataset.othersText.replace("{names}", names.join(", ")) : "";
  }

  var saved = snapshot();
  var seen = saved;
  var changedAt = 0;
  var sending = false;
  var submitting = false;

  function autosave() {
    var current = snapshot();
    if (current !== seen) { seen = current; changedAt = Date.now(); }
    if (offerPending || submitting || sending || current === saved || Date.now() - changedAt < delay) return;
    sending = true;
    post({}).then(function (data) {
      saved = current;
      status.removeAttribute("role");
      status.textContent = config.dataset.savedText.replace("{time}", data.saved_at_display);
      showOthers(data.others);
    }).catch(function () {
      status.setAttribute("role", "alert");  // only a failure is worth interrupting someone typing
      status.textContent = config.dataset.failedText;
    }).then(function () { sending = false; });
  }

  form.addEventListener("submit", function () { submitting = true; });
  if (config.dataset.story && navigator.sendBeacon) {
    // Leaving the page: the others' notice stops naming this person at once rather than after a minute.
    window.addEventListener("pagehide", function () {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      body.append("_story", config.dataset.story);
      body.append("_leaving", "1");
      navigator.sendBeacon(config.dataset.autosaveUrl, body);
    });
  }
  window.setInterval(autosave, 1000);
  if (config.dataset.story) {
    window.setInterval(function () {
      if (!submitting) post({ _presence_only: "1" }).then(function (data) { showOthers(data.others); }, function () {});
    }, HEARTBEAT);
  }
});
