/* 驾驶舱地图: the child grids of the dashboard's grid coloured by the chosen figure. Boundaries
   come from the grid map's endpoint (grids:grid_map_data), the figures from the page (json_script
   #dashboard-map-data); a click opens that grid's dashboard (drill-down). The figure select
   submits its form on change. */
(function () {
  "use strict";
  var select = document.querySelector("select[data-autosubmit]");
  if (select) select.addEventListener("change", function () { select.form.submit(); });
  var el = document.getElementById("dashboard-map");
  var source = document.getElementById("dashboard-map-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var t = data.i18n;
  var note = document.getElementById("dashboard-map-note");
  var encode = echarts.format.encodeHTML;
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var byCode = {};
  data.items.forEach(function (i) { byCode[i.code] = i; });

  function render(geo) {
    var features = geo.features.filter(function (f) { return byCode[f.properties.code]; });
    if (!features.length) {
      chart.clear();
      note.textContent = t.empty;
      return;
    }
    var mapName = "dashboard-" + geo.grid.code;
    echarts.registerMap(mapName, { type: "FeatureCollection", features: features });
    var values = data.items.map(function (i) { return i.value; })
      .filter(function (v) { return v !== null; });
    var max = data.percent ? 100 : Math.max.apply(null, [1].concat(values));
    var colours = data.bad || !data.percent ? ["#eef3f9", "#f59f00", "#d63939"] : ["#d63939", "#f59f00", "#2fb344"];
    if (!data.bad && !data.percent) colours = ["#eef3f9", "#74b0e6", "#206bc4"];
    var items = features.map(function (f) {
      var i = byCode[f.properties.code];
      return { name: i.code, value: i.value === null ? NaN : i.value,
               short: f.properties.short || i.name, full: i.name, display: i.display, url: i.url };
    });
    chart.setOption({
      title: { text: data.title, left: "center", top: 8,
               subtext: geo.synthetic ? t.synthetic : "", subtextStyle: { color: "#d63939", fontSize: 13 } },
      tooltip: { trigger: "item", formatter: function (p) {
        return p.data ? encode(p.data.full) + "<br>" + encode(p.data.display) : "";
      } },
      visualMap: { type: "continuous", min: 0, max: max, left: 12, bottom: 12, calculable: true,
                   formatter: function (v) { return Math.round(v) + (data.percent ? "%" : ""); },
                   inRange: { color: colours } },
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
  window.laborgridDashboardMap = { chart: chart, data: data };
})();
