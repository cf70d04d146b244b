/* Page behaviour without inline scripts (the CSP forbids them). */
(function () {
  "use strict";

  function drawCharts() {
    var dataTag = document.getElementById("chart-data");
    if (!dataTag || typeof window.echarts === "undefined") return;
    var data = JSON.parse(dataTag.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = data[el.dataset.chartSource];
      if (!source || !source.labels.length) { el.style.display = "none"; return; }
      var horizontal = el.dataset.chart === "hbar";
      var category = { type: "category", data: horizontal ? source.labels.slice().reverse() : source.labels,
                       axisLabel: { interval: 0, rotate: horizontal ? 0 : 30, fontSize: 11 } };
      var value = { type: "value", minInterval: 1 };
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: horizontal ? value : category,
        yAxis: horizontal ? category : value,
        series: [{ type: "bar", data: horizontal ? source.values.slice().reverse() : source.values,
                   itemStyle: { color: "#0d6efd" }, barMaxWidth: 28 }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", drawCharts);
})();
