/* The collection form (collection/task_form.html), online or offline.
 *
 * What is typed is saved on the device as it is typed (a draft in IndexedDB) and restored when
 * the form opens again, so closing the browser loses nothing. "Save" turns the draft into a
 * queued submission with a new UUID and asks store.js to sync it. GPS with accuracy (and the
 * distance to the employer's registered location), photos compressed on the device (canvas →
 * JPEG), the outcome switch. The live A3 hints come from laborgrid/employer-forms.js.
 */
(function () {
  "use strict";
  var form = document.getElementById("lg-collect");
  if (!form || !window.LG) return;
  var Store = window.LG.store;
  var ds = form.dataset;
  var task = Number(ds.task);
  var a3 = ds.a3Fields.split(",");
  var photos = {};
  var existingKey = null; // the queued item being corrected (invalid / not yet synced)
  var MAX_SIDE = 1600;

  function el(name) { return form.elements.namedItem(name); }

  function valueOf(name) {
    var f = el(name);
    if (!f) return undefined;
    if (f.type === "checkbox") return f.checked;
    if (f.tagName === "SELECT" && f.querySelector('option[value="unknown"]')) {
      return f.value === "true" ? true : f.value === "false" ? false : null;
    }
    return f.value;
  }

  function setValue(name, v) {
    var f = el(name);
    if (!f || v === undefined) return;
    if (f.type === "checkbox") { f.checked = !!v; return; }
    if (f.tagName === "SELECT" && f.querySelector('option[value="unknown"]')) {
      f.value = v === true ? "true" : v === false ? "false" : "unknown";
      return;
    }
    f.value = v === null ? "" : String(v);
  }

  function collect() {
    var data = {};
    a3.forEach(function (n) { var v = valueOf(n); if (v !== undefined) data[n] = v; });
    var num = function (id) { var v = document.getElementById(id).value; return v === "" ? null : Number(v); };
    return {
      task: task, employer: Number(ds.employer), employer_name: ds.employerName, form_url: ds.formUrl,
      outcome: valueOf("outcome"), outcome_note: valueOf("outcome_note") || "",
      contact_name: valueOf("contact_name") || "", contact_confirmed: !!valueOf("contact_confirmed"),
      base_snapshot: ds.baseSnapshot ? Number(ds.baseSnapshot) : null,
      base_version: Number(ds.baseVersion || 0),
      gps_lat: num("lg-gps-lat"), gps_lng: num("lg-gps-lng"), gps_accuracy: num("lg-gps-acc"),
      data: data, photos: photos
    };
  }

  function restore(item) {
    Object.keys(item.data || {}).forEach(function (n) { setValue(n, item.data[n]); });
    ["outcome", "outcome_note", "contact_name", "contact_confirmed"].forEach(function (n) { setValue(n, item[n]); });
    if (item.gps_lat !== null && item.gps_lat !== undefined) showGps(item.gps_lat, item.gps_lng, item.gps_accuracy);
    photos = item.photos || {};
    Object.keys(photos).forEach(function (k) { preview(k, photos[k]); });
    if (item.errors) showErrors(item.errors, item.error);
    document.getElementById("lg-restored").classList.remove("d-none");
    toggleOutcome();
    form.dispatchEvent(new Event("change"));
  }

  // --- outcome: only "collected" carries the A3 items ------------------------------------------
  function toggleOutcome() {
    var collected = valueOf("outcome") === "collected";
    form.querySelectorAll("fieldset").forEach(function (fs) {
      var names = Array.prototype.map.call(fs.querySelectorAll("[name]"), function (i) { return i.name; });
      var isA3 = names.some(function (n) { return a3.indexOf(n) >= 0 && n !== "collected_on" && n !== "note"; });
      if (isA3) fs.classList.toggle("d-none", !collected);
    });
  }

  // --- GPS ---------------------------------------------------------------------------------------
  function distance(lat1, lng1, lat2, lng2) {
    var r = 6371000, rad = Math.PI / 180;
    var dp = (lat2 - lat1) * rad, dl = (lng2 - lng1) * rad;
    var a = Math.pow(Math.sin(dp / 2), 2) + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * r * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function showGps(lat, lng, acc) {
    document.getElementById("lg-gps-lat").value = lat;
    document.getElementById("lg-gps-lng").value = lng;
    document.getElementById("lg-gps-acc").value = acc === null || acc === undefined ? "" : Math.round(acc);
    var text = lat.toFixed(5) + ", " + lng.toFixed(5);
    if (acc !== null && acc !== undefined) text += " · " + ds.msgGps + " " + Math.round(acc) + " " + ds.msgMetres;
    var far = document.getElementById("lg-gps-far");
    if (ds.employerLat) {
      var d = distance(lat, lng, Number(ds.employerLat), Number(ds.employerLng));
      text += " · " + ds.msgDistance + " " + Math.round(d) + " " + ds.msgMetres;
      far.textContent = d > Number(ds.farMetres) ? ds.msgFar : "";
      far.classList.toggle("d-none", !(d > Number(ds.farMetres)));
    }
    document.getElementById("lg-gps-status").textContent = text;
  }

  function locate() {
    var status = document.getElementById("lg-gps-status");
    if (!navigator.geolocation) { status.textContent = ds.msgNogps; return; }
    status.textContent = ds.msgLocating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      showGps(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy);
      saveDraft();
    }, function () { status.textContent = ds.msgNogps; },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  // --- photos: compressed on the device ------------------------------------------------------------
  function preview(kind, blob) {
    var img = form.querySelector('[data-photo-preview="' + kind + '"]');
    var info = form.querySelector('[data-photo-info="' + kind + '"]');
    if (img) { img.src = URL.createObjectURL(blob); img.classList.remove("d-none"); }
    if (info) info.textContent = Math.round(blob.size / 1024) + " KB";
  }

  form.querySelectorAll("[data-photo-kind]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var kind = input.dataset.photoKind;
      if (!file) return;
      if (!/^image\//.test(file.type)) { alert(ds.msgPhotoType); input.value = ""; return; }
      window.LGPhoto.compress(file, MAX_SIDE, Number(ds.maxPhoto)).then(function (blob) {
        photos[kind] = blob;
        preview(kind, blob);
        saveDraft();
      }).catch(function () { alert(ds.msgPhotoType); });
    });
  });

  // --- drafts, saving, errors ------------------------------------------------------------------------
  var draftTimer = null;
  function saveDraft() {
    if (ds.canCollect !== "1" || existingKey) return Promise.resolve();
    var item = collect();
    item.key = Store.draftKey(task);
    item.kind = "draft";
    item.status = "draft";
    return Store.put(item).catch(function () {});
  }

  function showErrors(errors, detail) {
    var box = document.getElementById("lg-errors");
    var lines = [];
    if (detail) lines.push(detail);
    Object.keys(errors || {}).forEach(function (k) {
      (errors[k] || []).forEach(function (m) { if (lines.indexOf(m) < 0 && !detail) lines.push(m); });
    });
    box.textContent = lines.join(" ");
    box.classList.toggle("d-none", !lines.length);
  }

  function check(item) {
    var errors = {};
    if (item.outcome === "collected") {
      if (item.data.employees === "" || item.data.contracts_signed === "") errors.employees = [ds.msgEmployees];
      if (!item.contact_confirmed || !item.contact_name.trim()) errors.contact_name = [ds.msgConfirm];
    } else if (item.outcome === "moved" && !item.outcome_note.trim()) {
      errors.outcome_note = [ds.msgMoved];
    }
    return errors;
  }

  form.addEventListener("input", function () {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 400);
  });
  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "outcome") toggleOutcome();
    saveDraft();
  });
  document.getElementById("lg-gps-btn").addEventListener("click", locate);

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (ds.canCollect !== "1") return;
    var item = collect();
    var errors = check(item);
    if (Object.keys(errors).length) { showErrors(errors); return; }
    showErrors({});
    item.key = existingKey || Store.uuid();
    item.kind = "submission";
    item.status = "queued";
    item.visited_at = new Date().toISOString();
    item.saved_at = item.visited_at;
    item.errors = null;
    Store.put(item).then(function () {
      return Store.remove(Store.draftKey(task));
    }).then(function () {
      document.getElementById("lg-save").disabled = true;
      // Saved on the device: back to the task list, which says so and syncs when online
      // (store.js); the form stays reachable from the list and the sync queue.
      try { sessionStorage.setItem("lg-saved-task", ds.employerName || ""); } catch (err) { /* private mode */ }
      window.location.assign(ds.tasksUrl);
    });
  });

  // Restore: a queued item of this task not yet accepted, else the draft.
  Store.all().then(function (items) {
    var pending = items.filter(function (i) {
      return i.kind === "submission" && i.task === task && i.status !== "synced";
    });
    if (pending.length) {
      var item = pending[pending.length - 1];
      existingKey = item.status === "invalid" || item.status === "queued" ? item.key : null;
      restore(item);
      if (item.status !== "invalid") {
        document.getElementById("lg-saved").classList.remove("d-none");
        document.getElementById("lg-save").disabled = item.status !== "queued";
      }
      return;
    }
    return Store.get(Store.draftKey(task)).then(function (draft) {
      if (draft) restore(draft);
      else if (ds.canCollect === "1") locate();
    });
  }).catch(function () {}).then(toggleOutcome);
})();
