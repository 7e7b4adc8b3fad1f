// The sign-in desk's counts follow what the other desks do: the panel is fetched again every 5 seconds
// while the page is visible. Without JavaScript the counts are those of the last page load.
(function () {
  "use strict";
  // A refused code stays in the field (to be read and corrected) but selected, so that the next scan
  // replaces it instead of being typed after it.
  var code = document.getElementById("desk_code");
  if (code && code.hasAttribute("autofocus")) {
    code.focus();
    if (code.value) { code.select(); }
  }
  var holder = document.querySelector("[data-counts-url]");
  if (!holder || !window.fetch) { return; }
  var url = holder.getAttribute("data-counts-url");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var parsed = new DOMParser().parseFromString(html, "text/html").querySelector(".desk-counts");
        var current = holder.querySelector(".desk-counts");
        if (parsed && current) { current.replaceWith(document.importNode(parsed, true)); }
      })
      .catch(function () { /* the next round tries again */ });
  }
  window.setInterval(refresh, 5000);
}());
