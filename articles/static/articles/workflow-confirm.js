// Approving and unpublishing ask first (articles/admin/confirmations.py). Without this script the server answers
// the button with a confirmation page; with it, the story form asks the server for that page in the background and
// shows its words in a dialog over the form. Confirm sends the story form itself with the confirmation marker (and
// the note), as the page would; Back or Escape closes the dialog with the form as it was. If the server answers
// anything else (the form's errors), the form is sent as usual to show them.
// The admin loads it in the page's head, before the story form's other scripts, so its submit handler runs first.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.getElementById("article_form");
  if (!form || !window.fetch || !window.HTMLDialogElement || !form.requestSubmit) return;
  var ASKING = ["_publish", "_unpublish"];
  var sendAsIs = false;
  // While the server is asked, or the dialog is open, another press of the button asks nothing more.
  var asking = false;

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (sendAsIs || !button || ASKING.indexOf(button.name) < 0) return;
    // Not sent yet, so the other scripts must not think the page is being left.
    event.preventDefault();
    event.stopImmediatePropagation();
    if (asking) return;
    asking = true;
    var body = new FormData(form);
    body.append(button.name, button.value);
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var confirmation = page.querySelector(".workflow-confirmation");
        if (confirmation) ask(confirmation, button); else send(button);
      }, function () { send(button); });
  });

  function send(button) {
    asking = false;
    sendAsIs = true;
    form.requestSubmit(button);
  }

  function keep(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function ask(confirmation, button) {
    var content = document.importNode(confirmation, true);
    content.removeAttribute("id");
    // The story form carries the data: the page's copies of it (and its token) are not needed here.
    content.querySelectorAll("input[type=hidden]").forEach(function (input) { input.remove(); });
    content.querySelector("form").method = "dialog";
    var dialog = document.createElement("dialog");
    dialog.className = "workflow-dialog";
    dialog.setAttribute("aria-labelledby", "workflow-confirmation-story");
    dialog.appendChild(content);
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () {
      var note = dialog.querySelector("textarea");
      var confirmed = dialog.returnValue === button.name;
      dialog.remove();
      asking = false;
      if (!confirmed) return;
      keep("_workflow_confirmed", button.name);
      if (note) keep(note.name, note.value);
      send(button);
    });
    dialog.showModal();
  }
});
