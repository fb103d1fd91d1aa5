/* laborgrid field collection: service worker (scope {{ scope }}), version {{ version }}.
 * App shell: cache first. Collection pages, the task list and the grid map data: network first
 * (a fresh copy is kept), the cached copy when offline. Nothing else is touched; POSTs always
 * go to the network (the page keeps unsent work in IndexedDB, not here). */
"use strict";
var SHELL_CACHE = "lg-shell-{{ version }}";
var PAGE_CACHE = "lg-pages";
var SHELL = {{ shell_json|safe }};
var SCOPE = "{{ scope|escapejs }}";
var API_TASKS = "{{ api_tasks|escapejs }}";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); }));
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
  var page = url.pathname.indexOf(SCOPE + "my/") === 0 || url.pathname.indexOf(SCOPE + "sync/") === 0 ||
             /\/tasks\/\d+\/form\/$/.test(url.pathname);
  if (page || url.pathname === API_TASKS || /^\/grids\/[^/]+\/map\.json$/.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});
