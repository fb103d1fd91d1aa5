/* laborgrid shell behaviour (no inline scripts: the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
})();
