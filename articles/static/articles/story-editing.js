// The story form: an autosave a few seconds after typing stops, and again as the page is hidden or closed (a
// draft copy on the server, not a revision); a warning before leaving with changes not saved as a revision; and
// a heartbeat that keeps "also open by" current. Without JavaScript the form works the same; only these helpers
// are missing.
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
  // A refused save shown again, or an autosave brought back: the form holds text no revision has.
  var unsavedFromStart = "unsaved" in config.dataset;
  var HEARTBEAT = 30000;

  function snapshot() {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") parts.push(name + "=" + value);
    });
    return parts.join("&");
  }

  function formBody(extra) {
    var body = new FormData(form);  // the CSRF token included: the autosave answers only a POST that carries it
    body.append("_story", config.dataset.story);
    Object.keys(extra).forEach(function (name) { body.append(name, extra[name]); });
    return body;
  }

  function post(extra) {
    return fetch(config.dataset.autosaveUrl, {
      method: "POST", body: formBody(extra), credentials: "same-origin", headers: { "Accept": "application/json" }
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

  var loaded = snapshot();
  // Text shown again after a refused save may be in no autosave yet: the first quiet second keeps it.
  var saved = unsavedFromStart ? "" : loaded;
  var seen = loaded;
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

  // The page is hidden (another tab, the phone's home screen) or closing: keep what was typed since the last
  // autosave, however recent. A beacon outlives the page; a fetch would be cancelled with it.
  function autosaveNow() {
    var current = snapshot();
    if (offerPending || submitting || current === saved || !navigator.sendBeacon) return;
    if (navigator.sendBeacon(config.dataset.autosaveUrl, formBody({}))) saved = current;
  }

  form.addEventListener("submit", function () { submitting = true; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") autosaveNow();
  });
  window.addEventListener("pagehide", function () {
    autosaveNow();
    if (!config.dataset.story || !navigator.sendBeacon) return;
    // The others' notice stops naming this person at once rather than after a minute.
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    body.append("_story", config.dataset.story);
    body.append("_leaving", "1");
    navigator.sendBeacon(config.dataset.autosaveUrl, body);
  });
  // Leaving with changes no revision has asks first, even when an autosave holds them: that copy is offered back
  // only to this person, on this story, and colleagues and readers never see it.
  window.addEventListener("beforeunload", function (event) {
    if (submitting || (!unsavedFromStart && snapshot() === loaded)) return;
    event.preventDefault();
    event.returnValue = "";  // what older browsers look for
  });
  window.setInterval(autosave, 1000);
  if (config.dataset.story) {
    window.setInterval(function () {
      if (!submitting) post({ _presence_only: "1" }).then(function (data) { showOthers(data.others); }, function () {});
    }, HEARTBEAT);
  }
});
