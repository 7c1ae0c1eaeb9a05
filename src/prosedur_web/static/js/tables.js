// Phones: a list table is shown as one card per row (app.css, max-width 40rem); each cell then needs the
// name of its column, taken here from the table's own header so no template repeats it. Run again after
// htmx swaps rows in (the master-list filter). Without JavaScript the table scrolls sideways instead.
(function () {
  "use strict";
  function label(root) {
    var tables = (root || document).querySelectorAll("table.list");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          if (!cell.hasAttribute("data-label") && heads[col]) { cell.setAttribute("data-label", heads[col]); }
          col += cell.colSpan || 1;
        });
      });
      table.classList.add("stackable");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSettle", function () { label(document); });
})();
