// The rapid report form: the phone's position (when the person asks for it) and the registry
// search's choice. No inline script (CSP); the form works without this file too.
(function () {
  "use strict";
  var form = document.getElementById("incident-report");
  if (!form) return;
  var button = document.getElementById("incident-locate");
  var status = document.getElementById("incident-locate-status");
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          form.elements.lat.value = pos.coords.latitude.toFixed(6);
          form.elements.lng.value = pos.coords.longitude.toFixed(6);
          form.elements.gps_accuracy.value = Math.round(pos.coords.accuracy);
          status.textContent = status.dataset.ok;
        },
        function () {
          status.textContent = status.dataset.fail;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
  var options = document.getElementById("incident-employer-options");
  if (options) {
    options.addEventListener("click", function (event) {
      var item = event.target.closest("[data-employer-id]");
      if (!item) return;
      form.elements.employer.value = item.dataset.employerId;
      form.elements.employer_name.value = item.dataset.employerName;
      options.querySelectorAll("[data-employer-id]").forEach(function (el) {
        el.classList.toggle("active", el === item);
      });
    });
  }
  if (form.elements.employer_name) {
    // A name typed by hand is not the registry's choice any more.
    form.elements.employer_name.addEventListener("input", function () {
      form.elements.employer.value = "";
    });
  }
})();
