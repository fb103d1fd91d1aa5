/* The field app's furniture on every page used offline (collection/_offline.html): the network
 * badge, the count of what this device still has to send, the HTTPS note and the service worker
 * (/sw.js, scope "/": the pages apps register for offline use, core.extensions.OfflinePage).
 * Queues add their count with LGOffline.counter(fn) (fn answers a Promise of a number). No inline
 * script anywhere (Content-Security-Policy). */
(function () {
  "use strict";
  var cfg = document.getElementById("lg-offline-cfg");
  if (!cfg) return;
  var ds = cfg.dataset;
  var counters = [];

  function showNet() {
    var el = document.getElementById("lg-net");
    if (!el) return;
    el.textContent = navigator.onLine ? ds.msgOnline : ds.msgOffline;
    el.className = "badge " + (navigator.onLine ? "bg-green-lt" : "bg-orange-lt");
  }

  function showCount() {
    var el = document.getElementById("lg-queue-count");
    if (!el) return;
    Promise.all(counters.map(function (fn) {
      return Promise.resolve(fn()).catch(function () { return 0; });
    })).then(function (counts) {
      el.textContent = String(counts.reduce(function (a, b) { return a + b; }, 0));
    });
  }

  // Another person signed in on this phone: the cached pages were the previous person's; drop
  // them. Unsent items stay, each under its own user, until that person sends them.
  try {
    if (window.caches && localStorage.getItem("lg-collection-user") !== ds.user) {
      caches.delete("lg-pages");
      localStorage.setItem("lg-collection-user", ds.user);
    }
  } catch (e) { /* private mode: nothing cached either */ }

  var local = ["localhost", "127.0.0.1", "[::1]", "::1"];
  if (location.protocol !== "https:" && local.indexOf(location.hostname) < 0) {
    var warn = document.getElementById("lg-insecure");
    if (warn) warn.classList.remove("d-none");
  }

  function ready() {
    var el = document.getElementById("lg-offline-ready");
    if (el) { el.textContent = ds.msgReady; el.dataset.ready = "1"; }
    document.dispatchEvent(new CustomEvent("lg-sw-ready"));
  }

  if ("serviceWorker" in navigator && ds.sw) {
    // Releases before the worker moved to "/" registered it for /collection/ only: that
    // registration would keep controlling the collection pages, so it is removed.
    navigator.serviceWorker.getRegistrations().then(function (regs) {
      return Promise.all(regs.filter(function (r) {
        return new URL(r.scope).pathname !== "/";
      }).map(function (r) { return r.unregister(); }));
    }).catch(function () {}).then(function () {
      return navigator.serviceWorker.register(ds.sw, { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(ready).catch(function () {});
  }

  window.addEventListener("online", showNet);
  window.addEventListener("offline", showNet);
  document.addEventListener("lg-queue-changed", showCount);
  window.LGOffline = {
    cfg: ds,
    counter: function (fn) { counters.push(fn); showCount(); },
    refresh: showCount
  };
  showNet();
})();
