/* 网格划分示意图: ECharts map of a grid's children, drill-down on click, PNG export. */
(function () {
  "use strict";
  // Tooltips are HTML: names typed by people (grid, employer) are escaped before they go in.
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var el = document.getElementById("grid-map");
  if (!el || !window.echarts) return;
  var t = JSON.parse(document.getElementById("map-i18n").textContent);
  var COLORS = { province: "#1a569d", city: "#1a569d", county: "#206bc4", township: "#4299e1",
                 village: "#2fb344", park: "#f76707", custom: "#ae3ec9" };
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var current = null;

  function urlFor(code) {
    return el.dataset.urlTemplate.replace("CODE", encodeURIComponent(code));
  }

  function setCrumbs(data) {
    var ol = document.getElementById("map-crumbs");
    ol.textContent = "";
    data.crumbs.forEach(function (c, i) {
      var li = document.createElement("li");
      li.className = "breadcrumb-item" + (i === data.crumbs.length - 1 ? " active" : "");
      if (i === data.crumbs.length - 1) {
        li.textContent = c.name;
      } else {
        var a = document.createElement("a");
        a.href = "#"; a.textContent = c.name;
        a.addEventListener("click", function (e) { e.preventDefault(); load(c.code); });
        li.appendChild(a);
      }
      ol.appendChild(li);
    });
    var up = document.getElementById("map-up");
    up.disabled = !data.grid.parent;
    up.onclick = function () { if (data.grid.parent) load(data.grid.parent); };
    document.getElementById("map-open").href = data.grid.url;
  }

  function render(data) {
    current = data;
    setCrumbs(data);
    var note = document.getElementById("map-note");
    note.textContent = data.missing.length ? t.noBoundary + data.missing.join(t.sep) : "";
    if (!data.features.length) {
      chart.clear();
      note.textContent = t.empty;
      return;
    }
    var mapName = "grid-" + data.grid.code;
    echarts.registerMap(mapName, { type: "FeatureCollection", features: data.features });
    var items = data.features.map(function (f) {
      var p = f.properties;
      return { name: p.code, label: p.short || p.name, full: p.name, level: p.level, tier: p.tier, url: p.url,
               hasChildren: !!p.has_children,
               itemStyle: { areaColor: COLORS[p.level] || "#9aa0ac" } };
    });
    var byCode = {};
    items.forEach(function (i) { byCode[i.name] = i; });
    chart.setOption({
      title: { text: data.grid.name + " · " + t.title, left: "center", top: 8,
               subtext: data.synthetic ? t.synthetic : "", subtextStyle: { color: "#d63939", fontSize: 14 } },
      tooltip: { trigger: "item", formatter: function (p) {
        var i = byCode[p.name];
        return i ? esc(i.full) + "<br>" + esc(i.tier) + " · " + esc(i.name) : esc(p.name); } },
      graphic: data.synthetic ? [{ type: "text", right: 16, bottom: 12,
        style: { text: t.synthetic, fill: "#d63939", font: "bold 16px sans-serif" } }] : [],
      toolbox: { show: true, right: 12, top: 8, feature: { saveAsImage: {
        name: data.grid.name + "-" + t.fileSuffix, pixelRatio: 2, backgroundColor: "#fff" } } },
      series: [{ type: "map", map: mapName, nameProperty: "code", roam: true, selectedMode: false,
        label: { show: true, fontSize: 11, color: "#1d273b",
                 formatter: function (p) { var i = byCode[p.name]; return i ? i.label : p.name; } },
        itemStyle: { borderColor: "#ffffff", borderWidth: 1 },
        emphasis: { label: { show: true, fontWeight: "bold" }, itemStyle: { areaColor: "#f59f00" } },
        data: items }]
    }, true);
  }

  function load(code) {
    chart.showLoading();
    fetch(urlFor(code), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { chart.hideLoading(); render(data); })
      .catch(function () { chart.hideLoading(); document.getElementById("map-note").textContent = t.failed; });
  }

  chart.on("click", function (p) {
    var item = p.data;
    if (!item) return;
    if (item.hasChildren) { load(item.name); } else { window.location.href = item.url; }
  });
  document.getElementById("map-png").addEventListener("click", function () {
    var url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    var a = document.createElement("a");
    a.href = url; a.download = (current ? current.grid.name : "grid") + "-" + t.fileSuffix + ".png";
    document.body.appendChild(a); a.click(); a.remove();
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.laborgridMap = { chart: chart, load: load, current: function () { return current; } };
  load(el.dataset.start);
})();
