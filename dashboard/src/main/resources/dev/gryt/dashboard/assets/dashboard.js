// gryt dashboard: small progressive JavaScript. Every page works without it; with it, the runs
// table refreshes while runs move, a running run's log streams in (server-sent events), and the
// log can be searched. No inline script (the Content-Security-Policy forbids it), and no HTML is
// built here from data: fragments come rendered and escaped by the server.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  refreshRuns();
  pageLog();
  streamLog();
  searchLog();
  jumpToAnchor();
});

function refreshRuns() {
  var live = document.getElementById("runs-live");
  if (!live) return;
  var url = live.getAttribute("data-refresh");
  function tick() {
    var table = document.getElementById("runs-table");
    var moving = table && table.getAttribute("data-moving") === "true";
    setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("runs-table");
          var old = document.getElementById("runs-table");
          if (fresh && old) old.replaceWith(document.importNode(fresh, true));
          tick();
        })
        .catch(function () { setTimeout(tick, 10000); });
    }, moving ? 2000 : 5000);
  }
  tick();
}

// A long log comes a page at a time: "Next page" appends the next page's lines here (its link works
// without script too). A live log streams only once the last page is shown, from where it ends.
function pageLog() {
  var log = document.getElementById("log");
  if (!log || !window.fetch) return;
  document.addEventListener("click", function (e) {
    var more = e.target.closest ? e.target.closest("#log-more") : null;
    if (!more) return;
    e.preventDefault();
    var line = document.getElementById("log-more-line");
    fetch(more.getAttribute("data-fragment"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var items = doc.querySelectorAll("#log-page li.line");
        for (var i = 0; i < items.length; i++) log.appendChild(document.importNode(items[i], true));
        var next = doc.getElementById("log-more-line");
        if (next) {
          line.replaceWith(document.importNode(next, true));
        } else {
          line.remove();
          log.setAttribute("data-stream", doc.getElementById("log-page").getAttribute("data-stream"));
          streamLog();
        }
        applySearch();
      })
      .catch(function () { window.location.href = more.href; });
  });
}

function streamLog() {
  var log = document.getElementById("log");
  if (!log || log.getAttribute("data-live") !== "true" || !window.EventSource) return;
  if (document.getElementById("log-more")) return;
  var status = document.getElementById("log-status");
  var source = new EventSource(log.getAttribute("data-stream"));
  source.addEventListener("lines", function (e) {
    var doc = new DOMParser().parseFromString("<ol>" + e.data + "</ol>", "text/html");
    var items = doc.querySelectorAll("li.line");
    for (var i = 0; i < items.length; i++) log.appendChild(document.importNode(items[i], true));
    applySearch();
  });
  source.addEventListener("end", function (e) {
    source.close();
    log.setAttribute("data-live", "false");
    if (status) status.textContent = "finished: " + e.data;
    var phase = document.getElementById("run-phase");
    if (phase) { phase.textContent = e.data; phase.setAttribute("data-phase", e.data); }
    refreshRunFacts();
  });
}

// The run ended: its steps, facts and buttons (Cancel gone, Retry shown) come from the page as
// the server renders it now; the log, its search and the scroll position stay as they are.
function refreshRunFacts() {
  if (!window.fetch) return;
  fetch(window.location.pathname, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.text() : null; })
    .then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html");
      ["run-phase", "run-facts", "run-actions", "steps"].forEach(function (id) {
        var now = document.getElementById(id);
        var then = fresh.getElementById(id);
        if (now && then) now.replaceWith(document.importNode(then, true));
      });
      var section = document.getElementById("run");
      var freshSection = fresh.getElementById("run");
      if (section && freshSection) section.setAttribute("data-phase", freshSection.getAttribute("data-phase"));
    })
    .catch(function () {});
}

var applySearch = function () {};

function searchLog() {
  var box = document.getElementById("log-search");
  var log = document.getElementById("log");
  var count = document.getElementById("log-matches");
  if (!box || !log) return;
  applySearch = function () {
    var q = box.value.toLowerCase();
    var lines = log.querySelectorAll("li.line");
    var n = 0;
    for (var i = 0; i < lines.length; i++) {
      var text = lines[i].querySelector(".text");
      var hit = q !== "" && text && text.textContent.toLowerCase().indexOf(q) >= 0;
      lines[i].classList.toggle("match", hit);
      lines[i].classList.toggle("hidden", q !== "" && !hit);
      if (hit) n++;
    }
    if (count) count.textContent = q === "" ? "" : n + " matching line(s)";
  };
  box.addEventListener("input", applySearch);
}

function jumpToAnchor() {
  if (!location.hash || !/^#L\d+$/.test(location.hash)) return;
  var line = document.getElementById(location.hash.substring(1));
  if (line) { line.classList.add("target"); line.scrollIntoView({ block: "center" }); }
}
