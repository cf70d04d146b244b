/* Page behaviour without inline scripts (the CSP forbids them). */
(function () {
  "use strict";

  // ECharts draws with "sans-serif" unless told: give it the page's stack, whose first family is the
  // vendored "SafetyOps Sans" (a device without CJK fonts would otherwise show boxes in the labels).
  function fontFamily() {
    return window.getComputedStyle(document.body).fontFamily || "\"SafetyOps Sans\", sans-serif";
  }

  // Fetch the font slices the labels need before drawing, so that ECharts measures the real glyphs.
  function whenFontsFor(text) {
    if (!document.fonts || !document.fonts.load) return Promise.resolve();
    var family = "\"SafetyOps Sans\"";
    return Promise.all([document.fonts.load("12px " + family, text), document.fonts.load("bold 12px " + family, text)])
      .catch(function () { return null; });
  }

  function drawCharts() {
    var dataTag = document.getElementById("chart-data");
    if (!dataTag || typeof window.echarts === "undefined") return;
    var data = JSON.parse(dataTag.textContent);
    var labels = Object.keys(data).map(function (key) { return ((data[key] && data[key].labels) || []).join(""); }).join("");
    whenFontsFor(labels + "0123456789").then(function () { drawAll(data); });
  }

  function drawAll(data) {
    var family = fontFamily();
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = data[el.dataset.chartSource];
      if (!source || !source.labels.length) { el.style.display = "none"; return; }
      if (el.dataset.chart === "line") { drawLine(el, source, family); return; }
      var horizontal = el.dataset.chart === "hbar";
      var category = { type: "category", data: horizontal ? source.labels.slice().reverse() : source.labels,
                       axisLabel: { interval: 0, rotate: horizontal ? 0 : 30, fontSize: 11, fontFamily: family } };
      var value = { type: "value", minInterval: 1, axisLabel: { fontFamily: family } };
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        textStyle: { fontFamily: family },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", textStyle: { fontFamily: family } },
        xAxis: horizontal ? value : category,
        yAxis: horizontal ? category : value,
        series: [{ type: "bar", data: horizontal ? source.values.slice().reverse() : source.values,
                   itemStyle: { color: "#0d6efd" }, barMaxWidth: 28 }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // A cumulative daily series with an optional goal line (a campaign's inspected targets).
  function drawLine(el, source, family) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var series = [{ type: "line", name: source.name || "", data: source.values, showSymbol: false,
                    areaStyle: { opacity: 0.15 }, itemStyle: { color: "#0d6efd" } }];
    if (source.goal) {
      series[0].markLine = { symbol: "none", label: { fontFamily: family, formatter: String(source.goal) },
                             lineStyle: { color: "#dc3545", type: "dashed" }, data: [{ yAxis: source.goal }] };
    }
    chart.setOption({
      textStyle: { fontFamily: family },
      grid: { left: 8, right: 24, top: 20, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", textStyle: { fontFamily: family } },
      xAxis: { type: "category", data: source.labels, boundaryGap: false, axisLabel: { fontSize: 11, fontFamily: family } },
      yAxis: { type: "value", minInterval: 1, max: source.goal ? function (v) { return Math.max(v.max, source.goal); } : null,
               axisLabel: { fontFamily: family } },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", drawCharts);

  // A button or link with data-confirm asks before it acts (an inline onclick would break the CSP).
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { event.preventDefault(); }
  });
})();
