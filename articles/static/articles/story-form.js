// The story form in the newsroom member's language, with a name for every control: the body editor's buttons
// and dialogs (django-prose-editor writes them in English: the labels come from articles/richtext.py through
// the page, see templates/admin/articles/article/change_form.html), the editor itself, the language switch
// and the pickers; and thumbnails in the photo picker (the admin's autocomplete answers carry them, see
// articles/admin/photos.py). Without JavaScript none of these controls exist, so nothing is missing then.
// Loaded in the page's head after the admin's catalogue (window.gettext) and before the editor's modules run.
(function () {
  "use strict";
  var labels = null;

  function label(text) {
    if (labels === null) {
      var source = document.getElementById("story-editor-labels");
      labels = source ? JSON.parse(source.textContent) : {};
    }
    return Object.prototype.hasOwnProperty.call(labels, text) ? labels[text] : null;
  }

  // The editor's dialogs ask window.gettext; what the project translates comes first, then Django's catalogue.
  var catalogue = window.gettext;
  window.gettext = function (text) {
    var translated = label(text);
    if (translated !== null) return translated;
    return catalogue ? catalogue(text) : text;
  };

  function relabelButton(button) {
    var title = button.getAttribute("title");
    var translated = title && label(title);
    // Only a change: writing the same value again would wake the observer below, forever.
    if (translated && translated !== title) {
      button.setAttribute("title", translated);
      button.setAttribute("aria-label", translated);
    }
  }

  function relabelMenubar(root) {
    root.querySelectorAll(".prose-menubar button[title]").forEach(relabelButton);
    root.querySelectorAll(".prose-menubar__option > *").forEach(function (option) {
      var text = option.textContent.trim();
      var translated = label(text);
      if (translated && translated !== text) option.textContent = translated;
    });
  }

  function fieldName(control) {
    var own = control.getAttribute("aria-label");
    if (own) return own;
    var tag = control.id && document.querySelector("label[for='" + control.id + "']");
    return tag ? tag.textContent.trim().replace(/:$/, "") : "";
  }

  // Each language of a field has its own editor: its name says which (the tab's name).
  function nameEditor(textarea, editable) {
    var tab = document.querySelector("li[aria-controls='tab_" + textarea.id + "'] a");
    var name = fieldName(textarea);
    var language = tab && (tab.title || tab.textContent.trim());
    editable.setAttribute("aria-label", language ? name + " (" + language + ")" : name);
  }

  document.addEventListener("prose-editor:ready", function (event) {
    var textarea = event.detail.textarea;
    var wrapper = textarea.closest(".prose-editor") || textarea.parentElement;
    nameEditor(textarea, event.detail.editor.view.dom);
    relabelMenubar(wrapper);
    // The menu bar comes after the editor, and it swaps the block-type button as the cursor moves (typing in
    // the text itself changes no label).
    new MutationObserver(function (changes) {
      var inMenu = changes.some(function (change) { return !change.target.closest(".tiptap"); });
      if (inMenu) relabelMenubar(wrapper);
    }).observe(wrapper, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["title"]
    });
  });

  function namePicker(select) {
    var name = fieldName(select);
    var picker = select.nextElementSibling;
    if (!name || !picker || !picker.classList.contains("select2")) return;
    var controls = ".select2-selection--single, .select2-selection__rendered[role='textbox'], .select2-search__field";
    picker.querySelectorAll(controls).forEach(function (control) {
      control.setAttribute("aria-label", name);
    });
  }

  function nameControls(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(namePicker);
    var languageSwitch = document.getElementById("modeltranslation-main-switch");
    if (languageSwitch) languageSwitch.setAttribute("aria-label", label("Language of the fields") || "");
    // jQuery UI's tabs are the list items (role=tab, focusable, arrow keys); the link inside each is a second,
    // nested control with the same job. Without its address it is only the tab's text (see localTabs below).
    root.querySelectorAll("li[role='tab'] > a.ui-tabs-anchor[href^='#']").forEach(function (link) {
      link.removeAttribute("href");
    });
  }

  function thumbnailed(item) {
    if (!item.thumbnail || !window.django) return item.text;
    var shown = document.createElement("span");
    var image = document.createElement("img");
    image.src = item.thumbnail;
    image.alt = "";
    image.className = "photo-choice__thumbnail";
    shown.append(image, document.createTextNode(item.text));
    shown.className = "photo-choice";
    return window.django.jQuery(shown);
  }

  var $ = window.django && window.django.jQuery;
  if (!$) return;
  if ($.fn.select2) {
    $.fn.select2.defaults.set("templateResult", thumbnailed);
    $.fn.select2.defaults.set("templateSelection", thumbnailed);
    // select2 draws its search box again after each choice.
    $(document).on("change", "select.admin-autocomplete", function () { namePicker(this); });
  }
  // jQuery UI asks a tab's link whether its panel is on the page (or to be fetched) on every click: a link whose
  // address was taken off above named a panel on the page.
  if ($.ui && $.ui.tabs) {
    var isLocal = $.ui.tabs.prototype._isLocal;
    $.ui.tabs.prototype._isLocal = function (anchor) {
      return !anchor.hasAttribute("href") || isLocal.call(this, anchor);
    };
  }
  // After the pickers, the tabs and the language switch are made: their scripts' ready handlers came first.
  $(function () { nameControls(document); });
  document.addEventListener("formset:added", function (event) { nameControls(event.target); });
})();
