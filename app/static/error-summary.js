/* A refused form's error summary takes the focus, so that screen readers and keyboards start there,
   and each of its links moves the focus to its field, not only the view (issue 9, item 5). Without
   JavaScript the summary's autofocus attribute still opens the page at it. */
(function () {
  "use strict";
  var FIELDS = "input:not([type=hidden]), select, textarea, button";

  function fieldOf(target) {
    return target.matches(FIELDS) ? target : target.querySelector(FIELDS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    if (!summary.hasAttribute("data-keep-focus")) { summary.focus(); }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      var field = target && fieldOf(target);
      if (!field) { return; }
      event.preventDefault();
      field.focus();
      (target.closest(".field, fieldset") || field).scrollIntoView({block: "start"});
    });
  });
}());
