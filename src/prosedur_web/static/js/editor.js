// Structured editor: let the server's 400 (invalid edit) and 409 (stale version) answers be shown.
// The server retargets them to the status line (HX-Retarget), so the form keeps what was typed.
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
})();
