// The on-site visit form: the phone's position (if the person allows it) in the hidden GPS
// fields; the checklist of the chosen campaign (the page carries every checklist the visit may
// use, so that switching works offline: the other lists' inputs are disabled, never sent); the
// start time set to now when the page was opened from the device's cache.
(function () {
  "use strict";
  var form = document.querySelector("form[data-lg-visit-form]");
  if (!form) return;
  var select = form.querySelector("select[name=campaign]");

  function show(value) {
    form.querySelectorAll("[data-lg-list]").forEach(function (block) {
      var on = block.getAttribute("data-lg-list") === value;
      block.hidden = !on;
      block.querySelectorAll("select, input").forEach(function (el) { el.disabled = !on; });
    });
  }

  if (select) {
    var wanted = new URLSearchParams(location.search).get("campaign");
    if (wanted !== null && form.hasAttribute("data-lg-fresh") &&
        Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
      select.value = wanted;
    }
    var shown = select.value;
    show(shown);
    select.addEventListener("change", function () { shown = select.value; show(shown); });
    // The offline script sets values without events (a form restored from the device, a form
    // reset after queueing): follow the select whatever changed it.
    setInterval(function () { if (select.value !== shown) { shown = select.value; show(shown); } }, 500);
  }

  // A page from the cache shows the time it was cached: a fresh form starts now.
  var start = form.querySelector("[name=started_at]");
  if (start && form.hasAttribute("data-lg-fresh") && !/[?&]lg-restore=/.test(location.search)) {
    var d = new Date();
    d.setSeconds(0, 0);
    var local = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    start.value = local;
  }

  if (!navigator.geolocation) return;
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
