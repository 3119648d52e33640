// The certificate's Print button: shown only where this script runs, since printing needs it.
// Without JavaScript the page offers the PDF download (and the browser's own print command).
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
