// Structured editor: let the server's 400 (invalid edit) and 409 (stale version) answers be shown.
// The server retargets them to the status line (HX-Retarget), so the form keeps what was typed.
// Each problem that names a form field (data-field) is also shown next to that field.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    var elt = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if ((status === 400 || status === 409) && elt && elt.closest && elt.closest("#editor")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  function placeFieldErrors() {
    var form = document.getElementById("editor-form");
    if (!form) { return; }
    form.querySelectorAll(".field-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) {
      node.removeAttribute("aria-invalid");
      node.removeAttribute("aria-describedby");
    });
    var seen = {};
    document.querySelectorAll("#editor-status [data-field], #preview [data-field]").forEach(function (item) {
      var name = item.getAttribute("data-field");
      var message = item.getAttribute("data-message") || "";
      var field = document.getElementById("ed-" + name);
      if (!field || seen[name + "\n" + message]) { return; }
      seen[name + "\n" + message] = true;
      var note = document.getElementById("err-" + name);
      if (note) {  // a second problem of the same field
        note.textContent += "; " + message;
        return;
      }
      note = document.createElement("p");
      note.className = "field-error";
      note.id = "err-" + name;
      note.textContent = message;
      var anchor = field.type === "checkbox" && field.closest("label") ? field.closest("label") : field;
      anchor.insertAdjacentElement("afterend", note);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", note.id);
      var details = field.closest("details");
      if (details) { details.open = true; }
    });
  }
  document.addEventListener("htmx:afterSettle", placeFieldErrors);
})();
