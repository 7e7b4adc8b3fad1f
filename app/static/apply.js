// The application form (issue 9, item 7): the speaking part hides while "observe" is chosen.
// Without JavaScript it stays visible and the server ignores it for observers.
(function () {
  "use strict";
  var form = document.querySelector("form[data-kind-switch]");
  var part = document.getElementById("speaking-part");
  if (!form || !part) { return; }
  function update() {
    var chosen = form.querySelector('input[name="kind"]:checked');
    part.hidden = Boolean(chosen && chosen.value === "observe");
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") { update(); }
  });
  update();
}());
