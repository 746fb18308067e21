/**
 * @module app/report/text-report
 * The terminal summary of `wbguard analyze`: a line per Web Bridge with a sparkline, the Call Bridges, the cluster
 * estimate and whether it can be trusted, and the recommended restart cadence. Names, reasons and messages come
 * from the logs: they are shown with their control characters escaped (core/text/printable.ts).
 */
import type { AnalysisReport, AnalysisSeries, WebBridgeReport } from '../../core/model.js';
import { printable } from '../../core/text/printable.js';
import { sparkline } from './sparkline.js';

export interface TextReportOptions {
  readonly colour: boolean;
  /** Terminal width. @default 100 */
  readonly width?: number;
  readonly errors?: ReadonlyArray<{ path: string; message: string }>;
}

const paint = (on: boolean, code: number, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function short(iso: string | null): string {
  return iso === null ? '—' : `${iso.slice(0, 16).replace('T', ' ')}Z`;
}

function forecastText(w: WebBridgeReport): string {
  const f = w.limitForecast;
  if (!f) {
    return 'no data';
  }
  if (f.at === null) {
    return 'not expected';
  }
  if ((f.inHours ?? 0) <= 0) {
    return 'at risk now';
  }
  const h = f.inHours ?? 0;
  return h < 48 ? `in ${Math.round(h)} h (${short(f.at)})` : `in ${Math.round(h / 24)} days (${short(f.at)})`;
}

function state(w: WebBridgeReport, limit: number, colour: boolean): string {
  if (w.stale) {
    return paint(colour, 33, 'stale');
  }
  if ((w.active ?? 0) >= limit) {
    return paint(colour, 31, 'AT LIMIT');
  }
  if ((w.leakRatePerDay ?? 0) >= 0.1 || (w.leakedMin ?? 0) > 0) {
    return paint(colour, 33, 'leaking');
  }
  return paint(colour, 32, 'ok');
}

export function renderTextReport(report: AnalysisReport, series: AnalysisSeries, options: TextReportOptions): string {
  const c = options.colour;
  const width = Math.max(60, Math.min(options.width ?? 100, 160));
  const out: string[] = [];
  const limit = series.limit;
  out.push(paint(c, 1, `Web Bridges (limit ${limit})`));
  out.push(
    `  ${pad('name', 10)} ${pad('state', 9)} ${pad('now', 5)} ${pad('peak', 5)} ${pad('leaked≥', 8)} ${pad('leak/day', 9)} ${pad('limit hit', 10)} ${pad('restarts', 9)} forecast`,
  );
  for (const w of report.webbridges) {
    out.push(
      `  ${pad(printable(w.name), 10)} ${pad(state(w, limit, c), c ? 18 : 9)} ${pad(String(w.active ?? '—'), 5)} ${pad(String(w.peakActive), 5)} ${pad(String(w.leakedMin ?? '—'), 8)} ${pad(w.leakRatePerDay === null ? '—' : String(w.leakRatePerDay), 9)} ${pad(w.limitEpisodes.length === 0 ? (w.reachedLimit ? 'refused' : 'never') : `${w.limitEpisodes.length}×`, 10)} ${pad(String(w.restarts.length), 9)} ${forecastText(w)}`,
    );
    const s = series.webbridges.find((x) => x.name === w.name);
    if (s && s.active.v.length > 0) {
      const first = s.active.t[0] as number;
      const last = s.active.t[s.active.t.length - 1] as number;
      out.push(
        `  ${' '.repeat(10)} ${sparkline(s.active.v, width - 16, limit)}  ${short(new Date(first).toISOString())} → ${short(new Date(last).toISOString())}`,
      );
    }
    for (const e of w.limitEpisodes.slice(-3)) {
      out.push(
        `  ${' '.repeat(10)} ${paint(c, 31, `at the limit ${short(e.start)} → ${e.end === null ? 'still at the end of the input' : short(e.end)}`)}`,
      );
    }
  }
  if (report.webbridges.length === 0) {
    out.push('  (no Web Bridge Stats lines found)');
  }
  out.push('');
  out.push(paint(c, 1, 'Call Bridges'));
  for (const cb of report.callbridges) {
    out.push(
      `  ${pad(printable(cb.name), 10)} CMA now ${pad(String(cb.cma ?? '—'), 5)} peak ${pad(String(cb.cmaPeak), 5)} last seen ${short(cb.lastSeen)}${cb.stale ? paint(c, 33, '  stale') : ''}`,
    );
  }
  if (report.callbridges.length === 0) {
    out.push('  (no Call Bridge STATS lines found: CMS 2.8 or later logs CMA every 5 minutes)');
  }
  out.push('');
  const cl = report.cluster;
  out.push(paint(c, 1, `Cluster at ${short(cl.at)}`));
  out.push(
    `  Σ Web Bridge active ${cl.active} − Σ CMA ${cl.cma} = ${paint(c, 1, String(cl.leaked))} leaked sessions (estimate)`,
  );
  out.push(
    cl.leakedValid
      ? paint(c, 32, '  estimate valid')
      : paint(c, 33, `  estimate NOT valid: ${printable(cl.invalidReasons.join('; '))}`),
  );
  out.push('');
  out.push(paint(c, 1, 'Recommendation'));
  for (const r of report.recommendations) {
    out.push(`  ${printable(r.text)}`);
  }
  out.push('');
  const l = report.lines;
  out.push(
    `Lines: ${l.read} read, ${l.webbridgeStats} Web Bridge Stats, ${l.callbridgeStats} Call Bridge STATS, ${l.malformed} malformed`,
  );
  for (const e of options.errors ?? []) {
    out.push(paint(c, 31, `unreadable: ${printable(e.path)}: ${printable(e.message)}`));
  }
  return `${out.join('\n')}\n`;
}
