/* 底数覆盖情况地图: the child grids of the page's grid coloured by the chosen measure (coverage
   rate, never visited, stale). Boundaries come from the grid map's endpoint (grids:grid_map_data),
   the figures from the page (json_script #coverage-map-data); a click opens that grid's coverage. */
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  var source = document.getElementById("coverage-map-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var t = data.i18n;
  var note = document.getElementById("coverage-map-note");
  var encode = echarts.format.encodeHTML;
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var byCode = {};
  var shown = null;  // the boundaries drawn (for tests and the PNG name)
  data.items.forEach(function (i) { byCode[i.code] = i; });

  function render(geo) {
    var features = geo.features.filter(function (f) { return byCode[f.properties.code]; });
    if (!features.length) {
      chart.clear();
      note.textContent = t.empty;
      return;
    }
    shown = { grid: geo.grid, features: features };
    var mapName = "coverage-" + geo.grid.code;
    echarts.registerMap(mapName, { type: "FeatureCollection", features: features });
    var values = data.items
      .map(function (i) { return i.value; })
      .filter(function (v) { return v !== null; });
    var max = data.percent ? 100 : Math.max.apply(null, [1].concat(values));
    var items = features.map(function (f) {
      var i = byCode[f.properties.code];
      return { name: i.code, value: i.value === null ? NaN : i.value, short: f.properties.short || i.name,
               full: i.name, display: i.display, tip: i.tip, url: i.url };
    });
    chart.setOption({
      title: { text: data.title, left: "center", top: 8,
               subtext: geo.synthetic ? t.synthetic : "", subtextStyle: { color: "#d63939", fontSize: 13 } },
      tooltip: { trigger: "item", formatter: function (p) {
        var i = p.data;
        if (!i) return "";
        return encode(i.full) + "<br>" + encode(i.tip);
      } },
      visualMap: { type: "continuous", min: 0, max: max, left: 12, bottom: 12, calculable: true,
                   formatter: function (v) { return Math.round(v) + (data.percent ? "%" : ""); },
                   inRange: { color: data.percent ? ["#d63939", "#f59f00", "#2fb344"] : ["#eef3f9", "#f59f00", "#d63939"] } },
      toolbox: { show: true, right: 12, top: 8, feature: { saveAsImage: {
        name: data.title, pixelRatio: 2, backgroundColor: "#fff" } } },
      series: [{ type: "map", map: mapName, nameProperty: "code", roam: true, selectedMode: false,
        label: { show: true, fontSize: 11, color: "#1d273b",
                 formatter: function (p) { return p.data ? p.data.short + "\n" + p.data.display : p.name; } },
        itemStyle: { borderColor: "#ffffff", borderWidth: 1, areaColor: "#e6e7e9" },
        emphasis: { label: { show: true, fontWeight: "bold" }, itemStyle: { areaColor: "#206bc4" } },
        data: items }]
    }, true);
  }

  chart.on("click", function (p) {
    if (p.data && p.data.url) window.location.href = p.data.url;
  });
  chart.showLoading();
  fetch(data.boundaries, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (geo) { chart.hideLoading(); render(geo); })
    .catch(function () { chart.hideLoading(); note.textContent = t.failed; });
  window.addEventListener("resize", function () { chart.resize(); });
  window.laborgridCoverageMap = { chart: chart, data: data, current: function () { return shown; } };
})();
