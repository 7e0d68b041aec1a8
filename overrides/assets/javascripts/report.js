/* Report behaviour on top of Material:
   - Wide tables scroll sideways on phones; their scroll boxes get keyboard focus and a name,
     so keyboard and screen-reader users can reach and scroll them (WCAG 2.1.1).
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

  function scrollBoxes() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.hasAttribute("tabindex")) { return; }
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      var wrapper = box.closest(".data-table");
      var caption = wrapper && wrapper.nextElementSibling && wrapper.nextElementSibling.querySelector("strong");
      box.setAttribute("aria-label", caption ? caption.textContent : "Table");
    });
  }

  function setup() {
    scrollBoxes();
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
