/* Field collection on the device: IndexedDB queue, sync through the API, service worker.
 *
 * Every form filled is kept in IndexedDB ("laborgrid-collection", store "items") until the
 * server has it: a draft while typing (key "draft:<user>:<task>"), then a queued submission
 * (key = its client UUID). Sync posts queued items to /api/v1/collection/submissions (the UUID
 * makes a retry harmless), then uploads their photos. Statuses: queued → synced, or conflict
 * (409 with fields: the person resolves them on the sync page), invalid (422: reopen the form),
 * auth (401/403: sign in again), error (anything else: kept, retried). Nothing is deleted
 * before the server confirmed it. No inline script anywhere (Content-Security-Policy). Needs
 * laborgrid/offline.js first (the page furniture and the service worker).
 */
(function () {
  "use strict";
  var DB = "laborgrid-collection";
  var STORE = "items";
  var cfg = document.getElementById("lg-pwa");
  if (!cfg) return;
  var ds = cfg.dataset;
  var dbPromise = null;

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        var store = req.result.createObjectStore(STORE, { keyPath: "key" });
        store.createIndex("user", "user");
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return dbPromise;
  }

  function tx(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result;
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
        result = fn(t.objectStore(STORE));
      });
    });
  }

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  var Store = {
    user: ds.user,
    put: function (item) {
      item.user = ds.user;
      item.updated = new Date().toISOString();
      return tx("readwrite", function (s) { s.put(item); }).then(function () { changed(); return item; });
    },
    get: function (key) {
      return openDb().then(function (db) {
        return request(db.transaction(STORE).objectStore(STORE).get(key));
      });
    },
    remove: function (key) {
      return tx("readwrite", function (s) { s.delete(key); }).then(changed);
    },
    all: function () {
      return openDb().then(function (db) {
        return request(db.transaction(STORE).objectStore(STORE).index("user").getAll(ds.user));
      });
    },
    draftKey: function (task) { return "draft:" + ds.user + ":" + task; },
    uuid: function () {
      if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
      var b = new Uint8Array(16);
      crypto.getRandomValues(b);
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
      return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
    },
    label: function (status) {
      return ds["msg" + status.charAt(0).toUpperCase() + status.slice(1)] || status;
    }
  };

  function changed() {
    document.dispatchEvent(new CustomEvent("lg-queue-changed"));
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: JSON.stringify(body)
    });
  }

  function uploadPhotos(item, submissionId) {
    var kinds = Object.keys(item.photos || {}).filter(function (k) {
      return (item.photos_done || []).indexOf(k) < 0;
    });
    return kinds.reduce(function (p, kind) {
      return p.then(function () {
        var fd = new FormData();
        fd.append("file", item.photos[kind], kind + ".jpg");
        return fetch(ds.apiSubmissions + "/" + submissionId + "/photos/" + kind, {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: fd
        }).then(function (r) {
          if (r.ok) {
            item.photos_done = (item.photos_done || []).concat([kind]);
            return Store.put(item);
          }
          return r.json().catch(function () { return {}; }).then(function (body) {
            throw { status: r.status, body: body };
          });
        });
      });
    }, Promise.resolve());
  }

  function syncItem(item) {
    var body = {
      client_uuid: item.key, task: item.task, outcome: item.outcome, data: item.data,
      outcome_note: item.outcome_note || "", base_snapshot: item.base_snapshot,
      base_version: item.base_version, gps_lat: item.gps_lat, gps_lng: item.gps_lng,
      gps_accuracy: item.gps_accuracy, contact_name: item.contact_name || "",
      contact_confirmed: !!item.contact_confirmed, visited_at: item.visited_at
    };
    var started = item.submission_id ? Promise.resolve(null) : postJson(ds.apiSubmissions, body);
    return started.then(function (r) {
      if (r === null) return uploadPhotos(item, item.submission_id);
      return r.json().catch(function () { return {}; }).then(function (resp) {
        if (r.status === 200 || r.status === 201) {
          item.submission_id = resp.id;
          item.problems = resp.problems || [];
          return Store.put(item).then(function () { return uploadPhotos(item, resp.id); });
        }
        throw { status: r.status, body: resp };
      });
    }).then(function () {
      item.status = "synced";
      item.synced_at = new Date().toISOString();
      item.error = "";
      return Store.put(item);
    }).catch(function (e) {
      if (e && e.status) {
        if (e.status === 409 && e.body && e.body.fields) {
          item.status = "conflict"; item.conflict = e.body;
        } else if (e.status === 422) {
          item.status = "invalid"; item.errors = (e.body && e.body.errors) || {};
        } else if (e.status === 401 || e.status === 403) {
          item.status = "auth";
        } else {
          item.status = "error";
        }
        item.error = (e.body && e.body.detail) || String(e.status);
        return Store.put(item);
      }
      // Network failure: stays queued, retried when the connection returns.
      item.status = "queued";
      return Store.put(item);
    });
  }

  var syncing = null;
  function sync() {
    if (syncing) return syncing;
    if (!navigator.onLine) return Promise.resolve();
    syncing = Store.all().then(function (items) {
      var todo = items.filter(function (i) {
        return i.kind === "submission" && (i.status === "queued" || i.status === "auth" || i.status === "error");
      });
      return todo.reduce(function (p, item) { return p.then(function () { return syncItem(item); }); }, Promise.resolve());
    }).catch(function () {}).then(function () {
      syncing = null;
      document.dispatchEvent(new CustomEvent("lg-synced"));
    });
    return syncing;
  }

  // The page furniture (network badge, service worker, HTTPS note) is laborgrid/offline.js;
  // this queue adds its count of unsent submissions to the badge.
  if (window.LGOffline) {
    window.LGOffline.counter(function () {
      return Store.all().then(function (items) {
        return items.filter(function (i) { return i.kind === "submission" && i.status !== "synced"; }).length;
      });
    });
  }

  window.addEventListener("online", function () { sync(); });
  window.LG = { store: Store, sync: sync, csrf: csrf };
  if (navigator.onLine) setTimeout(sync, 300);
})();
