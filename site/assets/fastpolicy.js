/* fastpolicy catalogue: filter the all-rules table and highlight graph edges. Vanilla JS, no dependencies. */
(function () {
  "use strict";

  function setupFilters(form) {
    var table = document.querySelector("table.fp-filterable");
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var controls = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
    var count = form.querySelector(".fp-count");
    var total = rows.length;
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    function apply() {
      var wanted = {};
      controls.forEach(function (c) { wanted[c.getAttribute("data-filter")] = c.value.trim().toLowerCase(); });
      var words = (wanted.text || "").split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var ok = ["section", "severity", "level", "kind"].every(function (key) {
          return !wanted[key] || (row.getAttribute("data-" + key) || "").toLowerCase() === wanted[key];
        });
        var text = row.getAttribute("data-text") || "";
        ok = ok && words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + total + " rules";
    }

    controls.forEach(function (c) {
      c.addEventListener("input", apply);
      c.addEventListener("change", apply);
    });
    var params = new URLSearchParams(window.location.search);
    controls.forEach(function (c) {
      var v = params.get(c.getAttribute("data-filter"));
      if (v) c.value = v;
    });
    apply();
  }

  function setupGraph(svg) {
    var edges = Array.prototype.slice.call(svg.querySelectorAll(".fp-edge[data-source]"));
    Array.prototype.slice.call(svg.querySelectorAll("[data-node]")).forEach(function (node) {
      var id = node.getAttribute("data-node");
      node.addEventListener("mouseenter", function () {
        svg.classList.add("fp-dim");
        edges.forEach(function (e) {
          if (e.getAttribute("data-source") === id || e.getAttribute("data-target") === id) e.classList.add("fp-active");
        });
      });
      node.addEventListener("mouseleave", function () {
        svg.classList.remove("fp-dim");
        edges.forEach(function (e) { e.classList.remove("fp-active"); });
      });
    });
  }

  function init() {
    Array.prototype.slice.call(document.querySelectorAll("form.fp-filters")).forEach(setupFilters);
    Array.prototype.slice.call(document.querySelectorAll("svg.fp-catalogue-graph")).forEach(setupGraph);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
