/* laborgrid field service worker (scope {{ scope }}), version {{ version }}.
 * App shell: cache first. The pages apps register for offline use (core.extensions.OfflinePage):
 * network first (a fresh copy is kept), the cached copy when offline; the pages named for this
 * user are copied when the worker installs. Nothing else is touched; POSTs always go to the
 * network (pages keep unsent work in IndexedDB, not here). */
"use strict";
var SHELL_CACHE = "lg-shell-{{ version }}";
var PAGE_CACHE = "lg-pages";
var SHELL = {{ shell_json|safe }};
var PAGES = {{ patterns_json|safe }}.map(function (p) { return new RegExp(p); });
var PRECACHE = {{ precache_json|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(SHELL);
  }).then(function () {
    // Best effort: a page that cannot be fetched now is cached the next time it is opened.
    return caches.open(PAGE_CACHE).then(function (cache) {
      return Promise.all(PRECACHE.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () {});
      }));
    });
  }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("lg-shell-") === 0 && k !== SHELL_CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request) {
  var key = request.url.split("#")[0];
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(key, { ignoreSearch: false }).then(function (hit) {
        return hit || cache.match(key, { ignoreSearch: true });
      });
    }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (PAGES.some(function (re) { return re.test(url.pathname); })) {
    event.respondWith(networkFirst(request));
  }
});
