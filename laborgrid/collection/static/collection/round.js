/* Round progress chart (collection/round_detail.html): stacked bars per grid. */
(function () {
  "use strict";
  var el = document.getElementById("round-chart");
  var src = document.getElementById("round-chart-data");
  if (!el || !src || !window.echarts) return;
  var d = JSON.parse(src.textContent);
  if (!d.names.length) { el.classList.add("d-none"); return; }
  var chart = echarts.init(el, null, { renderer: "canvas" });
  function series(key, color) {
    return { name: d.labels[key], type: "bar", stack: "all", data: d[key], itemStyle: { color: color } };
  }
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [series("done", "#2fb344"), series("submitted", "#4299e1"), series("open", "#adb5bd"), series("overdue", "#d63939")]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
