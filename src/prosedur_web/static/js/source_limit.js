// Raw source editor: a text over the size limit is refused here, before it is sent, so nothing typed is
// lost to a refused request; the server checks the same limit again (forms.SourceForm).
(function () {
  "use strict";
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    var area = form.querySelector && form.querySelector("textarea[data-max-bytes]");
    if (!area) { return; }
    var limit = parseInt(area.getAttribute("data-max-bytes"), 10);
    var size = new TextEncoder().encode(area.value).length;
    var box = document.getElementById("source-size-error");
    if (size <= limit) { if (box) { box.hidden = true; } return; }
    evt.preventDefault();
    if (box) {
      var mb = function (n) { return (n / 1048576).toFixed(1).replace(".", ","); };
      box.querySelector("p").textContent = box.getAttribute("data-template")
        .replace("{size}", mb(size)).replace("{limit}", mb(limit));
      box.hidden = false;
      box.focus();
    }
  });
})();
