/* Report behaviour on top of Material (the build already wraps wide tables in named, focusable
   scroll boxes, see build_scripts/page_markup.py):
   - The edition selector's button is named by the edition it shows.
   - Sortable report tables: click (or press Enter on) a column header to sort; again to reverse.
     Only tables inside a ".data-table.sortable" wrapper take part. Numbers are read from the cell
     text ("−16.97%", "$589 billion", "5,890億ドル" all sort by their number). */
(function () {
  "use strict";

  var MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"];

  function key(text) {
    var t = text.trim();
    var ja = t.match(/^(\d{4})年(\d{1,2})月(\d{1,2})日$/);
    if (ja) { return { num: true, v: +ja[1] * 10000 + +ja[2] * 100 + +ja[3] }; }
    var en = t.match(/^(\d{1,2}) ([A-Za-z]+) (\d{4})$/);
    if (en && MONTHS.indexOf(en[2].toLowerCase()) >= 0) {
      return { num: true, v: +en[3] * 10000 + (MONTHS.indexOf(en[2].toLowerCase()) + 1) * 100 + +en[1] };
    }
    var n = t.replace(/\u2212/g, "-").replace(/,/g, "");
    var m = n.match(/^[+$]?(-?)\$?(\d+(\.\d+)?)/);
    if (m) { return { num: true, v: parseFloat(m[1] + m[2]) }; }
    return { num: false, v: t.toLowerCase() };
  }

  function sortBy(table, col, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = header.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = key(a.cells[col].textContent), y = key(b.cells[col].textContent);
      var r = x.num && y.num ? x.v - y.v : String(x.v).localeCompare(String(y.v));
      return asc ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }

  /* The theme names its edition button "Select version", which hides the edition shown on it
     from speech input (WCAG 2.5.3). The name keeps the visible text first. The button is built
     after versions.json arrives, so it is named when it appears. */
  function nameVersionButton() {
    var button = document.querySelector(".md-version__current");
    if (!button || button.dataset.named) { return !!button; }
    var purpose = button.getAttribute("aria-label") || "";
    button.setAttribute("aria-label", button.textContent.trim() + (purpose ? " – " + purpose : ""));
    button.dataset.named = "1";
    return true;
  }

  function watchVersionButton() {
    var header = document.querySelector(".md-header");
    if (!header || nameVersionButton()) { return; }
    var observer = new MutationObserver(function () {
      if (nameVersionButton()) { observer.disconnect(); }
    });
    observer.observe(header, { childList: true, subtree: true });
  }

  function setup() {
    watchVersionButton();
    document.querySelectorAll(".data-table.sortable table").forEach(function (table) {
      if (!table.tHead || table.dataset.sortable) { return; }
      table.dataset.sortable = "1";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
        th.tabIndex = 0;
        th.classList.add("sortable-header");
        th.addEventListener("click", function () { sortBy(table, col, th); });
        th.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, col, th); }
        });
      });
    });
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
