/* Offline forms: a <form data-lg-offline="<label>"> never loses what was typed.
 *
 * The form needs a hidden input named "client_key" (a UUID; filled here if empty) and a view
 * that is idempotent on it (laborgrid.core.offline). On submit the form is kept in IndexedDB
 * ("laborgrid-offline", store "forms") with its files, then posted with fetch and the header
 * X-LG-Offline: 1. The server answers {"ok": true, "url"} (the page goes there), 422 with the
 * messages per field (shown beside the fields; everything typed and every file chosen stays), or
 * nothing at all (no network): the item stays queued and is sent when the connection returns
 * (the "online" event, every 30 seconds, and each time a page with this script opens). Statuses:
 * queued → sent, or invalid (reopen the form: it is filled again from the device, files too),
 * auth (sign in again), error (kept, retried). Nothing is removed before the server has it.
 * Image inputs marked data-lg-photo are compressed on the device (laborgrid/photo.js).
 * Needs laborgrid/offline.js (furniture, service worker) and collection/_offline.html.
 */
(function () {
  "use strict";
  var cfg = document.getElementById("lg-offline-cfg");
  if (!cfg || !window.indexedDB) return;
  var ds = cfg.dataset;
  var DB = "laborgrid-offline";
  var STORE = "forms";
  var MAX_SIDE = 1600;
  var MAX_PHOTO = 2 * 1024 * 1024;
  var dbPromise = null;

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "key" }).createIndex("user", "user");
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return dbPromise;
  }

  function run(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var req = fn(t.objectStore(STORE));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  var Forms = {
    all: function () { return run("readonly", function (s) { return s.index("user").getAll(ds.user); }); },
    get: function (key) { return run("readonly", function (s) { return s.get(key); }); },
    put: function (item) {
      item.user = ds.user;
      item.updated = new Date().toISOString();
      return run("readwrite", function (s) { return s.put(item); }).then(function () { changed(); return item; });
    },
    remove: function (key) { return run("readwrite", function (s) { return s.delete(key); }).then(changed); }
  };

  function changed() { document.dispatchEvent(new CustomEvent("lg-queue-changed")); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function label(status) { return ds["msg" + status.charAt(0).toUpperCase() + status.slice(1)] || status; }

  // --- sending -------------------------------------------------------------------------------
  function body(item) {
    var fd = new FormData();
    item.fields.forEach(function (f) {
      if (f.file) fd.append(f.name, f.file, f.filename || "file");
      else fd.append(f.name, f.value);
    });
    return fd;
  }

  /* Posts one item; answers it with its new status (sent, invalid, auth, error, queued). */
  function send(item) {
    item.status = "sending";
    return Forms.put(item).then(function () {
      return fetch(item.action, {
        method: "POST", credentials: "same-origin", body: body(item),
        headers: { "X-LG-Offline": "1", "X-CSRFToken": csrf(), "Accept": "application/json" }
      });
    }).then(function (r) {
      var json = (r.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      var parsed = json ? r.json().catch(function () { return {}; }) : Promise.resolve(null);
      return parsed.then(function (data) {
        item.error = "";
        if (r.ok && data && data.ok) { item.status = "sent"; item.url = data.url; }
        else if (r.ok && r.redirected && r.url.indexOf(ds.loginUrl) >= 0) { item.status = "auth"; item.error = ds.msgAuth; }
        else if (r.ok && !json) { item.status = "sent"; item.url = r.url; }
        else if (r.status === 422) {
          item.status = "invalid"; item.errors = (data && data.errors) || {};
          item.error = (data && data.detail) || ds.msgFix;
        } else if (r.status === 401 || r.status === 403) { item.status = "auth"; item.error = ds.msgAuth; }
        else { item.status = "error"; item.error = (data && data.detail) || ds.msgError + " (" + r.status + ")"; }
        if (item.status === "sent") item.sent_at = new Date().toISOString();
        return Forms.put(item);
      });
    }).catch(function () {
      item.status = "queued";  // no network: kept, sent later
      return Forms.put(item);
    });
  }

  var flushing = null;
  function flush() {
    if (flushing || !navigator.onLine) return flushing || Promise.resolve();
    flushing = Forms.all().then(function (items) {
      var old = Date.now() - 7 * 24 * 3600 * 1000;
      return items.reduce(function (p, item) {
        return p.then(function () {
          if (item.status === "sent" && Date.parse(item.sent_at || item.updated) < old) return Forms.remove(item.key);
          if (["queued", "error", "auth", "sending"].indexOf(item.status) >= 0) return send(item);
        });
      }, Promise.resolve());
    }).catch(function () {}).then(function () { flushing = null; render(); });
    return flushing;
  }

  // --- the form on this page -----------------------------------------------------------------
  function keyInput(form) { return form.querySelector('input[name="client_key"]'); }

  function ensureKey(form) {
    var k = keyInput(form);
    if (k && !k.value) k.value = uuid();
    return k ? k.value : "";
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-lg-error]").forEach(function (e) { e.remove(); });
    form.querySelectorAll(".is-invalid").forEach(function (e) { e.classList.remove("is-invalid"); });
  }

  function note(form, cls, text, link) {
    var box = document.createElement("div");
    box.className = "alert " + cls;
    box.setAttribute("role", "alert");
    box.dataset.lgError = "1";
    box.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = ds.queueUrl; a.className = "ms-2"; a.textContent = link;
      box.appendChild(a);
    }
    form.insertBefore(box, form.firstChild);
    box.scrollIntoView({ block: "center" });
  }

  function showErrors(form, errors) {
    clearErrors(form);
    var general = [];
    Object.keys(errors || {}).forEach(function (name) {
      var field = name === "__all__" ? null : form.querySelector('[name="' + name.replace(/"/g, "") + '"]');
      if (!field) { general = general.concat(errors[name]); return; }
      field.classList.add("is-invalid");
      var fb = document.createElement("div");
      fb.className = "invalid-feedback d-block";
      fb.dataset.lgError = "1";
      fb.textContent = errors[name].join(" ");
      var after = field.closest(".input-group") || field;
      after.parentNode.insertBefore(fb, after.nextSibling);
    });
    note(form, "alert-danger", [ds.msgFix].concat(general).join(" "));
  }

  function snapshot(form, submitter, photos) {
    var fields = [];
    var fd = new FormData(form);
    if (submitter && submitter.name) fd.append(submitter.name, submitter.value);
    var seen = {};
    fd.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (typeof value === "string") { fields.push({ name: name, value: value }); return; }
      if (photos[name]) {
        if (seen[name]) return;
        seen[name] = true;
        photos[name].forEach(function (b, i) {
          fields.push({ name: name, file: b, filename: name + "-" + (i + 1) + ".jpg" });
        });
        return;
      }
      if (value.size || value.name) fields.push({ name: name, file: value, filename: value.name });
    });
    return fields;
  }

  function restore(form, item) {
    var byName = {};
    item.fields.forEach(function (f) { (byName[f.name] = byName[f.name] || []).push(f); });
    Object.keys(byName).forEach(function (name) {
      if (name === "client_key") return;
      var els = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      var values = byName[name];
      els.forEach(function (el) {
        if (el.type === "file") {
          try {
            var dt = new DataTransfer();
            values.forEach(function (v) { if (v.file) dt.items.add(new File([v.file], v.filename || "file", { type: v.file.type })); });
            el.files = dt.files;
          } catch (e) { el.insertAdjacentText("afterend", " " + ds.msgReattach); }
        } else if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.some(function (v) { return v.value === el.value; });
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = values.some(function (v) { return v.value === o.value; }); });
        } else if (values.length) {
          el.value = values[0].value;
        }
      });
    });
    var k = keyInput(form);
    if (k) k.value = item.key;
    if (item.errors && item.status === "invalid") showErrors(form, item.errors);
  }

  function bind(form) {
    var photos = {};
    ensureKey(form);
    form.querySelectorAll("input[type=file][data-lg-photo]").forEach(function (input) {
      input.addEventListener("change", function () {
        var files = Array.prototype.slice.call(input.files || []);
        if (!files.length || !window.LGPhoto) { delete photos[input.name]; return; }
        Promise.all(files.map(function (f) {
          return /^image\//.test(f.type) ? window.LGPhoto.compress(f, MAX_SIDE, MAX_PHOTO) : Promise.resolve(f);
        })).then(function (blobs) { photos[input.name] = blobs; }).catch(function () { delete photos[input.name]; });
      });
    });
    form.addEventListener("submit", function (e) {
      if (form.dataset.lgBusy === "1") { e.preventDefault(); return; }
      e.preventDefault();
      form.dataset.lgBusy = "1";
      var key = ensureKey(form);
      var item = {
        key: key, kind: "form", label: form.dataset.lgOffline || document.title,
        action: form.getAttribute("action") || location.pathname, page: location.pathname,
        fields: snapshot(form, e.submitter, photos), saved_at: new Date().toISOString(), status: "queued"
      };
      var done = function () { form.dataset.lgBusy = ""; };
      (navigator.onLine ? send(item) : Forms.put(item)).then(function (saved) {
        if (saved.status === "sent") {
          return Forms.remove(saved.key).then(function () { location.href = saved.url; });
        }
        if (saved.status === "invalid") { showErrors(form, saved.errors); done(); return; }
        if (saved.status === "auth") { clearErrors(form); note(form, "alert-warning", ds.msgAuth, label("queued")); done(); return; }
        // Queued (no network) or a server error: safe on the device; a fresh form for the next one.
        form.reset();
        keyInput(form).value = uuid();
        photos = {};
        clearErrors(form);
        note(form, "alert-info", ds.msgSavedOffline);
        done();
      }).catch(function () { done(); });
    });
    var m = location.search.match(/[?&]lg-restore=([0-9a-f-]+)/);
    if (m) Forms.get(m[1]).then(function (item) { if (item) restore(form, item); });
  }

  // --- the queue list (on the sync page) ---------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render() {
    var list = document.getElementById("lg-form-queue");
    if (!list) return;
    Forms.all().then(function (items) {
      items.sort(function (a, b) { return (a.saved_at || "").localeCompare(b.saved_at || ""); });
      list.textContent = "";
      if (!items.length) { list.appendChild(el("div", "list-group-item text-secondary", ds.msgEmpty)); return; }
      items.forEach(function (item) {
        var row = el("div", "list-group-item");
        row.dataset.formItem = item.key;
        row.dataset.status = item.status;
        var top = el("div", "d-flex flex-wrap align-items-center gap-2");
        top.appendChild(el("strong", "", item.label));
        var cls = item.status === "sent" ? "bg-green-lt" : item.status === "invalid" ? "bg-red-lt" : "bg-yellow-lt";
        top.appendChild(el("span", "badge " + cls, label(item.status)));
        var files = item.fields.filter(function (f) { return f.file; }).length;
        var when = item.saved_at ? new Date(item.saved_at).toLocaleString() : "";
        top.appendChild(el("span", "small text-secondary ms-auto", ds.msgSaved + " " + when + (files ? " · " + files + " " + ds.msgFiles : "")));
        row.appendChild(top);
        if (item.error && item.status !== "sent") row.appendChild(el("div", "small text-danger mt-1", item.error));
        var actions = el("div", "mt-2 d-flex gap-2");
        if (item.status === "sent" && item.url) {
          var view = el("a", "btn btn-sm", label("sent")); view.href = item.url; actions.appendChild(view);
        }
        if (item.status !== "sent") {
          var open = el("a", "btn btn-sm", ds.msgOpen);
          open.href = item.page + "?lg-restore=" + encodeURIComponent(item.key);
          actions.appendChild(open);
          var retry = el("button", "btn btn-sm btn-primary", ds.msgRetry);
          retry.type = "button";
          retry.addEventListener("click", function () { send(item).then(render); });
          actions.appendChild(retry);
        }
        var rm = el("button", "btn btn-sm btn-ghost-secondary", ds.msgRemove);
        rm.type = "button";
        rm.addEventListener("click", function () {
          if (item.status === "sent" || window.confirm(ds.msgConfirmRemove)) Forms.remove(item.key).then(render);
        });
        actions.appendChild(rm);
        row.appendChild(actions);
        list.appendChild(row);
      });
    }).catch(function () {});
  }

  document.querySelectorAll("form[data-lg-offline]").forEach(bind);
  if (window.LGOffline) {
    window.LGOffline.counter(function () {
      return Forms.all().then(function (items) { return items.filter(function (i) { return i.status !== "sent"; }).length; });
    });
  }
  document.addEventListener("lg-queue-changed", render);
  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) flush(); }, 30000);
  render();
  if (navigator.onLine) setTimeout(flush, 500);
  window.LGForms = { store: Forms, flush: flush };
})();
