/* fastpolicy catalogue: filter the all-rules table and the graph page, highlight graph edges. Vanilla JS, no dependencies. */
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
    Array.prototype.slice.call(svg.querySelectorAll("[data-node], [data-ghost]")).forEach(function (node) {
      var id = node.getAttribute("data-node") || node.getAttribute("data-ghost");
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

  /* The graph page: a section filter, a text filter over records, and one checkbox per relation type. */
  function setupGraphView(view) {
    var form = view.querySelector("form.fp-graph-filters");
    if (!form) return;
    var section = form.querySelector('[data-graph="section"]');
    var text = form.querySelector('[data-graph="text"]');
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[data-relation]"));
    var clusters = Array.prototype.slice.call(view.querySelectorAll(".fp-cluster"));
    var count = form.querySelector(".fp-count");
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    function apply() {
      boxes.forEach(function (b) { view.classList.toggle("fp-hide-" + b.getAttribute("data-relation"), !b.checked); });
      var words = text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      clusters.forEach(function (cluster) {
        var inSection = !section.value || cluster.getAttribute("data-section") === section.value;
        var any = false;
        Array.prototype.slice.call(cluster.querySelectorAll("[data-text]")).forEach(function (el) {
          var t = el.getAttribute("data-text");
          var ok = words.every(function (w) { return t.indexOf(w) !== -1; });
          el.classList.toggle("fp-unmatched", !ok);
          if (ok && inSection && el.hasAttribute("data-node")) shown += 1;
          if (ok) any = true;
        });
        Array.prototype.slice.call(cluster.querySelectorAll(".fp-graph-box")).forEach(function (box) {
          box.hidden = words.length > 0 && !box.querySelector("[data-text]:not(.fp-unmatched)");
        });
        cluster.hidden = !inSection || !any;
      });
      if (count) count.textContent = shown + " of " + count.getAttribute("data-total") + " records";
    }

    [section, text].concat(boxes).forEach(function (c) {
      c.addEventListener("input", apply);
      c.addEventListener("change", apply);
    });
    var params = new URLSearchParams(window.location.search);
    if (params.get("section")) section.value = params.get("section");
    if (params.get("q")) text.value = params.get("q");
    apply();
  }

  function init() {
    Array.prototype.slice.call(document.querySelectorAll("form.fp-filters")).forEach(setupFilters);
    Array.prototype.slice.call(document.querySelectorAll("svg.fp-cluster-graph")).forEach(setupGraph);
    Array.prototype.slice.call(document.querySelectorAll(".fp-graph-view")).forEach(setupGraphView);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
