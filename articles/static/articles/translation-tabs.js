// The story form opens on the tab of the story's original language, not on the admin's language: the server marks
// it on the original-language field (data-open-tab; absent on a form shown again with errors, which opens where the
// errors are). modeltranslation builds its tabs and the switch that turns them all in jQuery's ready handlers; this
// turns the switch once they have run. Without JavaScript there are no tabs and both languages are shown.
(function () {
  "use strict";
  // The jQuery modeltranslation bound its switch with (it prefers window.jQuery, set by its force_jquery.js).
  var jQuery = window.jQuery || (window.django && window.django.jQuery);
  if (!jQuery) return;
  jQuery(function ($) {
    window.setTimeout(function () {  // after every ready handler, modeltranslation's included
      var marker = document.querySelector("[data-open-tab]");
      var $switch = $("#modeltranslation-main-switch");
      if (!marker || !$switch.length) return;
      var language = marker.getAttribute("data-open-tab");
      var option = $switch.find("option").filter(function () { return $(this).text() === language; });
      if (option.length) $switch.val(option.val()).trigger("change");
    }, 0);
  });
})();
