/* 我的任务 (collection/my_tasks.html): distance sort, the task map, offline copies, queue badges. */
(function () {
  "use strict";
  // Tooltips are HTML: names typed by people (grid, employer) are escaped before they go in.
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  if (!window.LG) return;
  var Store = window.LG.store;

  // Distance: the phone's position goes to the server as query parameters; the server sorts.
  var locateBtn = document.getElementById("lg-locate");
  if (locateBtn) {
    locateBtn.addEventListener("click", function () {
      if (!navigator.geolocation) { alert(locateBtn.dataset.msgDenied); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var u = new URL(location.href);
        u.searchParams.set("lat", pos.coords.latitude.toFixed(6));
        u.searchParams.set("lng", pos.coords.longitude.toFixed(6));
        location.href = u.toString();
      }, function () { alert(locateBtn.dataset.msgDenied); }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }

  // The map: grid boundaries from GeoJSON (no tiles) and the task locations on top.
  var mapEl = document.getElementById("lg-task-map");
  var points = JSON.parse(document.getElementById("lg-task-points").textContent);
  if (mapEl && window.echarts && mapEl.dataset.mapUrl) {
    fetch(mapEl.dataset.mapUrl, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (geo) {
      if (!geo.features.length) return;
      echarts.registerMap("lg-tasks", { type: "FeatureCollection", features: geo.features });
      var chart = echarts.init(mapEl, null, { renderer: "canvas" });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.seriesType === "scatter" ? esc(p.name) : ""; } },
        geo: { map: "lg-tasks", roam: true, nameProperty: "code",
               itemStyle: { areaColor: "#eef3fa", borderColor: "#8aa4c8" }, label: { show: false },
               emphasis: { itemStyle: { areaColor: "#dbe7f6" }, label: { show: false } } },
        series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 9,
                   data: points.map(function (p) {
                     return { name: p.name, value: p.value, url: p.url,
                              itemStyle: { color: p.overdue ? "#d63939" : "#206bc4" } };
                   }) }]
      });
      chart.on("click", function (p) { if (p.data && p.data.url) location.href = p.data.url; });
      window.addEventListener("resize", function () { chart.resize(); });
    }).catch(function () { mapEl.classList.add("d-none"); });
  } else if (mapEl) {
    mapEl.classList.add("d-none");
  }

  // Offline copies: each task's form (and the map data) go into the service worker's page cache.
  function cacheForms() {
    if (!("caches" in window) || !navigator.onLine) return;
    var urls = JSON.parse(document.getElementById("lg-form-urls").textContent);
    if (mapEl && mapEl.dataset.mapUrl) urls.push(mapEl.dataset.mapUrl);
    urls.push(document.getElementById("lg-pwa").dataset.syncUrl);
    urls.push(location.pathname);
    caches.open("lg-pages").then(function (cache) {
      return urls.reduce(function (p, url) {
        return p.then(function () {
          return fetch(url, { credentials: "same-origin" }).then(function (r) {
            if (r.ok && !r.redirected) return cache.put(url, r);
          }).catch(function () {});
        });
      }, Promise.resolve());
    }).then(function () {
      document.body.dataset.formsCached = "1";
    });
  }
  document.addEventListener("lg-sw-ready", cacheForms);

  // A badge on each task that has something kept on this device.
  function badges() {
    Store.all().then(function (items) {
      document.querySelectorAll("[data-queue-badge]").forEach(function (b) { b.textContent = ""; b.className = ""; });
      items.forEach(function (i) {
        if (i.kind !== "submission" && i.kind !== "draft") return;
        var b = document.querySelector('[data-queue-badge="' + i.task + '"]');
        if (!b) return;
        b.className = "badge " + (i.status === "synced" ? "bg-green-lt" : i.status === "conflict" || i.status === "invalid" ? "bg-red-lt" : "bg-yellow-lt");
        b.textContent = Store.label(i.status);
      });
    }).catch(function () {});
  }
  document.addEventListener("lg-queue-changed", badges);
  document.addEventListener("lg-synced", badges);
  badges();
})();

/* After 保存并提交 on a task form (collect.js): say what was saved. */
(function () {
  "use strict";
  var name = null;
  try {
    name = sessionStorage.getItem("lg-saved-task");
    sessionStorage.removeItem("lg-saved-task");
  } catch (err) { return; }
  var box = document.getElementById("lg-saved-msg");
  if (name === null || !box) return;
  box.querySelector("[data-name]").textContent = name;
  box.classList.remove("d-none");
})();
