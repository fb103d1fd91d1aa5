/* Live hints on the labour-use snapshot form (employers/snapshot_form.html).
 *
 * Hints only: the server checks the same rules (laborgrid.employers.services.validate_snapshot)
 * and refuses the save. Messages come from data-msg-* attributes on the form, so they are
 * translated with the page; no inline script (Content-Security-Policy).
 */
(function () {
  "use strict";

  function field(form, name) {
    return form.elements.namedItem(name);
  }

  function number(form, name) {
    var el = field(form, name);
    if (!el || el.value === undefined || el.value.trim() === "") return null;
    var n = Number(el.value);
    return isNaN(n) ? null : n;
  }

  function hint(form, name, text) {
    var el = form.querySelector('[data-hint-for="' + name + '"]');
    if (!el) return;
    el.textContent = text || "";
    el.classList.toggle("d-none", !text);
  }

  function checkSnapshot(form) {
    var ds = form.dataset;
    var employees = number(form, "employees");
    (ds.countFields || "").split(",").forEach(function (name) {
      if (!name) return;
      var n = number(form, name);
      hint(form, name, employees !== null && n !== null && n > employees ? ds.msgExceeds : "");
    });
    var wage = number(form, "lowest_monthly_wage");
    var minimum = ds.minimumWage ? Number(ds.minimumWage) : null;
    hint(
      form,
      "lowest_monthly_wage",
      wage !== null && minimum !== null && wage < minimum ? ds.msgBelowWage : ""
    );
    var arrears = field(form, "arrears");
    hint(
      form,
      "arrears_amount",
      arrears && arrears.checked && !(number(form, "arrears_amount") > 0) ? ds.msgArrears : ""
    );
    var hours = field(form, "hours_system");
    var approval = field(form, "hours_approval_no");
    var special = hours && (hours.value === "comprehensive" || hours.value === "flexible");
    hint(
      form,
      "hours_approval_no",
      special && approval && approval.value.trim() === "" ? ds.msgApproval : ""
    );
  }

  function init() {
    document.querySelectorAll("form[data-snapshot-form]").forEach(function (form) {
      form.addEventListener("input", function () { checkSnapshot(form); });
      form.addEventListener("change", function () { checkSnapshot(form); });
      checkSnapshot(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
