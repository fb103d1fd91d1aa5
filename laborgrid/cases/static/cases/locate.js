// "Use my location" on the complaint forms: fills the hidden work_lat / work_lng fields so the
// case is routed by point in polygon (issue 6 §3). Nothing is sent anywhere else.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) {
      if (button) { button.hidden = true; }
      return;
    }
    var status = document.querySelector("[data-locate-status]");
    var lat = document.querySelector("input[name=work_lat]");
    var lng = document.querySelector("input[name=work_lng]");
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        if (status) { status.textContent = button.getAttribute("data-done"); }
        button.disabled = false;
      }, function () {
        if (status) { status.textContent = button.getAttribute("data-failed"); }
        button.disabled = false;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });
})();
