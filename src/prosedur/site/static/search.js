// Filters the master list by the words typed: every word must appear in the procedure's
// number, title, purpose, scope, step texts or clauses (index built by `prosedur build`).
(function () {
  var input = document.getElementById("q");
  var rows = document.querySelectorAll("#register tbody tr");
  var empty = document.getElementById("empty");
  var index = {};
  (window.PROSEDUR_INDEX || []).forEach(function (e) {
    index[e.s] = (e.n + " " + e.t + " " + e.x).toLowerCase();
  });
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = index[row.getAttribute("data-slug")] || row.textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) shown++;
    });
    empty.hidden = shown !== 0;
  }
  if (input) { input.addEventListener("input", apply); }
})();
