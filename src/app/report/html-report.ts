/**
 * @module app/report/html-report
 * `wbguard analyze --html FILE`: one self-contained page (uPlot and the data inlined, no network request of any
 * kind) with the charts an administrator attaches to a support case: sessions per Web Bridge with the limit line
 * and restarts marked, the proven leak, CMA per Call Bridge, and the cluster leak estimate.
 */
import type { AnalysisReport, AnalysisSeries } from '../../core/model.js';
import { escapeHtml, scriptJson, uplotAssets } from './assets.js';

function table(report: AnalysisReport): string {
  const rows = report.webbridges
    .map(
      (w) =>
        `<tr><td>${escapeHtml(w.name)}</td><td>${w.active ?? '—'}</td><td>${w.peakActive}</td><td>${w.leakedMin ?? '—'}</td><td>${w.leakRatePerDay ?? '—'}</td><td>${w.limitEpisodes.length}</td><td>${w.restarts.length}</td><td>${escapeHtml(w.limitForecast?.at ?? '—')}</td><td>${w.stale ? 'stale' : ''}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>Web Bridge</th><th>active</th><th>peak</th><th>leaked ≥</th><th>leak/day</th><th>limit episodes</th><th>restarts</th><th>limit forecast</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

const PAGE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('wbguard-data').textContent);
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  var ink = dark ? '#ddd' : '#222';
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  function merge(seriesList) {
    var ts = {};
    seriesList.forEach(function (s) { s.t.forEach(function (t) { ts[t] = true; }); });
    var xs = Object.keys(ts).map(Number).sort(function (a, b) { return a - b; });
    var cols = [xs.map(function (t) { return t / 1000; })];
    seriesList.forEach(function (s) {
      var m = {}; s.t.forEach(function (t, i) { m[t] = s.v[i]; });
      var last = null;
      cols.push(xs.map(function (t) { if (t in m) { last = m[t]; } return last; }));
    });
    return cols;
  }
  function axes() { return [{ stroke: ink, grid: { stroke: dark ? '#333' : '#eee' } }, { stroke: ink, grid: { stroke: dark ? '#333' : '#eee' } }]; }
  function chart(el, title, names, seriesList, opts) {
    if (!seriesList.length || !seriesList.some(function (s) { return s.t.length; })) { el.textContent = title + ': no data'; return; }
    var cols = merge(seriesList);
    var series = [{}].concat(names.map(function (n, i) { return { label: n, stroke: palette[i % palette.length], width: 1.5 }; }));
    if (opts && opts.limit) {
      cols.push(cols[0].map(function () { return opts.limit; }));
      series.push({ label: 'limit ' + opts.limit, stroke: '#c00', dash: [6, 4], width: 1 });
    }
    var plugins = [];
    if (opts && opts.restarts) {
      plugins.push({ hooks: { draw: function (u) {
        var ctx = u.ctx; ctx.save(); ctx.strokeStyle = '#e69500'; ctx.lineWidth = 2; ctx.setLineDash([2, 3]);
        opts.restarts.forEach(function (t) { var x = u.valToPos(t / 1000, 'x', true); ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke(); });
        ctx.restore();
      } } });
    }
    new uPlot({ title: title, width: Math.min(1100, el.clientWidth || 1000), height: 280, series: series, axes: axes(), plugins: plugins }, cols, el);
  }
  var wb = data.series.webbridges;
  var restarts = [].concat.apply([], wb.map(function (w) { return w.restarts; }));
  chart(document.getElementById('chart-active'), 'Active sessions per Web Bridge (restarts dotted)', wb.map(function (w) { return w.name; }), wb.map(function (w) { return w.active; }), { limit: data.series.limit, restarts: restarts });
  chart(document.getElementById('chart-leaked'), 'Leaked sessions, proven lower bound', wb.map(function (w) { return w.name; }), wb.map(function (w) { return w.leakedMin; }), { restarts: restarts });
  var cb = data.series.callbridges;
  chart(document.getElementById('chart-cma'), 'CMA sessions per Call Bridge', cb.map(function (c) { return c.name; }), cb.map(function (c) { return c.cma; }), {});
  chart(document.getElementById('chart-cluster'), 'Cluster leak estimate (Σ Web Bridge active − Σ CMA)', ['cluster'], [data.series.clusterLeaked], {});
})();
`;

export function renderHtmlReport(report: AnalysisReport, series: AnalysisSeries, generatedAt: string): string {
  const { js, css } = uplotAssets();
  const cl = report.cluster;
  const recs = report.recommendations.map((r) => `<li>${escapeHtml(r.text)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>wbguard analysis — Web Bridge session leak (CSCvt73723)</title>
<style>${css}
:root { color-scheme: light dark; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem; background: #fff; color: #222; }
@media (prefers-color-scheme: dark) { body { background: #161616; color: #ddd; } th, td { border-color: #444 !important; } }
table { border-collapse: collapse; margin: 1rem 0; } th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } .chart { margin: 1rem 0; min-height: 300px; }
.bad { color: #c60; } .ok { color: #2a2; }
</style></head><body>
<h1>Web Bridge session leak (CSCvt73723)</h1>
<p>Generated by wbguard at ${escapeHtml(generatedAt)} from ${report.lines.read} log lines (${report.lines.webbridgeStats} Web Bridge Stats, ${report.lines.callbridgeStats} Call Bridge STATS, ${report.lines.malformed} malformed).</p>
<p>Cluster at ${escapeHtml(cl.at ?? '—')}: Σ Web Bridge active ${cl.active} − Σ CMA ${cl.cma} = <strong>${cl.leaked}</strong> leaked sessions —
${cl.leakedValid ? '<span class="ok">estimate valid</span>' : `<span class="bad">estimate not valid: ${escapeHtml(cl.invalidReasons.join('; '))}</span>`}</p>
${table(report)}
<h2>Recommendation</h2><ul>${recs}</ul>
<div class="chart" id="chart-active"></div>
<div class="chart" id="chart-leaked"></div>
<div class="chart" id="chart-cma"></div>
<div class="chart" id="chart-cluster"></div>
<script type="application/json" id="wbguard-data">${scriptJson({ report, series })}</script>
<script>${js}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
