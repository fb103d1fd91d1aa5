/* 电子档案: line chart of an employer's labour-use facts over its valid snapshots.
   Data come from the page's <script type="application/json" id="archive-chart-data"> block
   (json_script); no inline script, as the Content-Security-Policy requires. */
(function () {
  "use strict";
  var el = document.getElementById("archive-chart");
  var source = document.getElementById("archive-chart-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  if (!data.dates || !data.dates.length) return;
  var t = data.labels;

  function pairs(values) {
    return data.dates.map(function (d, i) { return [d, values[i]]; });
  }

  function line(name, values, color) {
    return { name: name, type: "line", data: pairs(values), connectNulls: true, showSymbol: true,
             symbolSize: 6, itemStyle: { color: color }, lineStyle: { color: color, width: 2 } };
  }

  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: { type: "time" },
    yAxis: { type: "value", name: t.people, minInterval: 1 },
    series: [
      line(t.employees, data.employees, "#206bc4"),
      line(t.contracts, data.contracts, "#2fb344"),
      line(t.pension, data.pension, "#f76707")
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.laborgridArchiveChart = chart;
})();
