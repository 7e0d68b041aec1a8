/* Report behaviour on top of Material (the build already wraps wide tables in named, focusable
   scroll boxes, see build_scripts/page_markup.py):
   - The edition selector's button is named by the edition it shows.
   - Sortable report tables: click (or press Enter on) a column header to sort; again to reverse.
     Only tables inside a ".data-table.sortable" wrapper take part. The build writes each number
     or date cell's raw value in a data-sort attribute ("-16.97", "2025-01-27"); the script orders
     by that value and never reads a number out of the printed text, so "−16.97%", "$589 billion"
     and "5,890億ドル" sort alike in both languages. A column without data-sort is text and sorts
     by what the reader sees; an empty data-sort (no value) always sorts last. */
(function () {
  "use strict";

  // { missing, num, v } for one cell of a column; `keyed` says the column carries raw values.
  function key(cell, keyed) {
    if (!keyed) { return { missing: false, num: false, v: cell.textContent.trim().toLowerCase() }; }
    var raw = cell.getAttribute("data-sort");
    if (raw === null || raw === "") { return { missing: true }; }
    var n = Number(raw);
    return isFinite(n) ? { missing: false, num: true, v: n } : { missing: false, num: false, v: raw };
  }

  function compare(x, y, asc) {
    if (x.missing || y.missing) { return x.missing === y.missing ? 0 : (x.missing ? 1 : -1); }
    var r = x.num && y.num ? x.v - y.v : String(x.v).localeCompare(String(y.v));
    return asc ? r : -r;
  }

  function sortBy(table, col, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = header.getAttribute("aria-sort") !== "ascending";
    var keyed = rows.some(function (row) { return row.cells[col].hasAttribute("data-sort"); });
    rows.sort(function (a, b) {
      return compare(key(a.cells[col], keyed), key(b.cells[col], keyed), asc);
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
