// The visit form records the phone's position (if the person allows it) in the hidden GPS fields.
(function () {
  "use strict";
  var form = document.querySelector("form[data-lg-visit-form]");
  if (!form || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(
    function (pos) {
      form.querySelector("[name=gps_lat]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[name=gps_lng]").value = pos.coords.longitude.toFixed(6);
      form.querySelector("[name=gps_accuracy]").value = Math.round(pos.coords.accuracy);
    },
    function () {},
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
  );
})();
