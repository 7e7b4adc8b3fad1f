/* The live panel of the public display and the console: polls the state as JSON (ETag/304) and
   counts down from the server's stored moments, corrected for this device's clock skew. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-root]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-json-url");
  var pollMs = parseInt(root.getAttribute("data-poll-ms"), 10) || 900;
  var pageVersion = parseInt(root.getAttribute("data-version"), 10);
  var stale = document.querySelector("[data-live-stale]");
  var etag = null, state = null, offset = 0, lastNext = null;

  function field(name) { return root.querySelector('[data-live="' + name + '"]'); }
  function setText(name, text) {
    var el = field(name);
    if (el && el.textContent !== text) { el.textContent = text; }
  }
  function serverNow() { return Date.now() / 1000 + offset; }
  function shown(remaining) { return Math.ceil(Math.round(remaining * 1000) / 1000); }
  function clockText(remaining) {
    var s = shown(remaining), a = Math.abs(s), sec = String(a % 60);
    return (s < 0 ? "\u2212" : "") + Math.floor(a / 60) + ":" + (sec.length < 2 ? "0" + sec : sec);
  }
  function remainingOf(part) { return part.ends_at !== null ? part.ends_at - serverNow() : part.remaining; }
  function lightOf(remaining) {
    var s = shown(remaining);
    if (s <= 0) { return "red"; }
    return s <= state.warning_seconds ? "amber" : "green";
  }
  function setLight(light) {
    ["green", "amber", "red", "none"].forEach(function (name) {
      root.classList.toggle("light-" + name, name === light);
    });
    setText("light-word", root.getAttribute("data-word-" + light) || "");
  }
  function tick() {
    if (!state) { return; }
    if (state.speaker) {
      var remaining = remainingOf(state.speaker);
      setText("clock", clockText(remaining));
      setLight(lightOf(remaining));
    } else {
      setText("clock", "\u2013");
      setLight("none");
    }
    setText("budget", state.budget ? clockText(remainingOf(state.budget)) : "\u2013");
  }
  function person(p) { return p.name + (p.organisation ? "\uff08" + p.organisation + "\uff09" : ""); }
  function renderNext(next) {
    var key = JSON.stringify(next), list = field("next");
    if (!list || key === lastNext) { return; }
    lastNext = key;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    (next.length ? next : [null]).forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p ? person(p) : "\u2014";
      list.appendChild(item);
    });
  }
  function render(s) {
    state = s;
    var format = root.getAttribute("data-case-format") || "";
    setText("phase", s.phase_label);
    setText("case", s.case ? format.replace("{n}", s.case.number).replace("{c}", s.case.count) : "");
    setText("case-title", s.case ? s.case.title : s.meeting.title);
    setText("notice", s.notice);
    setText("speaker-name", s.speaker ? s.speaker.name : "\u2014");
    setText("speaker-org", s.speaker ? s.speaker.organisation : "");
    renderNext(s.next);
    if (stale) { stale.hidden = s.version === pageVersion; }
    root.setAttribute("data-shown-version", String(s.version));
    tick();
  }
  function poll() {
    var sent = Date.now(), headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" }).then(function (response) {
      if (response.status === 304) { return null; }
      if (!response.ok) { throw new Error(String(response.status)); }
      var tag = response.headers.get("ETag");
      return response.json().then(function (s) {
        offset = s.server_time - (sent + Date.now()) / 2000;  /* the server read its clock mid-way */
        etag = tag;
        render(s);
      });
    }).catch(function () { /* keep showing the last state; the next poll tries again */ })
      .then(function () { window.setTimeout(poll, pollMs); });
  }
  window.setInterval(tick, 200);
  poll();
}());
