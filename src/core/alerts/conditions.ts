/**
 * @module core/alerts/conditions
 * What is wrong right now, as a set of named conditions: the leak above a threshold, the limit forecast soon, a Web
 * Bridge at the limit, a node gone quiet, a restart deferred, syslog drops. Pure: the daemon gives it the live
 * report and the numbers it counts, and the de-duplicator (./dedupe.ts) turns changes into notices.
 */
import type { AnalysisReport } from '../model.js';

export const ALERT_EVENTS = [
  'leak',
  'forecast',
  'limit',
  'quiet',
  'restart-done',
  'restart-failed',
  'restart-deferred',
  'syslog-drops',
  'api-disagree',
  'mmp-login',
  'store-failed',
  'clock-step',
] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertCondition {
  /** Stable identity: `event:cluster:subject`; the same key on the next check is the same condition. */
  readonly key: string;
  readonly event: AlertEvent;
  readonly cluster: string;
  /** The node (or transport) the condition is about. */
  readonly subject: string;
  readonly severity: Severity;
  /** One line a person understands without the dashboard. */
  readonly summary: string;
  /** The numbers behind the summary (no secrets: counts, names, instants). */
  readonly facts: Readonly<Record<string, number | string | boolean | null>>;
}

export interface AlertThresholds {
  /** `leak` when a Web Bridge has at least this many provably leaked sessions. */
  readonly leakAbove: number;
  /** `forecast` when the limit is forecast within this many hours. */
  readonly forecastWithinHours: number;
  /** `quiet` when the node sent no Stats for this long (its learnt interval × N: ./intervals.ts). */
  readonly quietAfterMs: (name: string, role: 'webbridge' | 'callbridge') => number;
  readonly limit: number;
}

export interface ConditionInput {
  readonly cluster: string;
  readonly report: AnalysisReport;
  readonly now: number;
  /** Since when the daemon listens: a node never heard of is quiet only once this is quietAfterMs old. */
  readonly listeningSince: number;
  /** Web Bridges a guard deferred although a trigger wanted them restarted, with the guards' reasons. */
  readonly deferred: ReadonlyArray<{ readonly name: string; readonly reasons: readonly string[] }>;
  /** Syslog messages dropped per transport over the recent window (allow-list, bad frames, kernel). */
  readonly recentDrops: Readonly<Record<string, number>>;
  /** Web Bridges whose MMP login probe failed (./../../app/daemon/mmp-probe.ts), with the error's code. */
  readonly mmpFailures?: ReadonlyArray<{ readonly name: string; readonly code: string; readonly message: string }>;
  /** Call Bridges whose CMS API count of real CMA legs differs from their last STATS line's CMA count. */
  readonly apiDisagreements?: ReadonlyArray<{ readonly name: string; readonly api: number; readonly syslog: number }>;
  /** The store refuses writes (disk full, locked by another process, PostgreSQL away): app/daemon/store-health.ts. */
  readonly storeFailure?: {
    readonly code: string;
    readonly message: string;
    readonly since: number;
    readonly refused: number;
    /** Records received and held in memory, not yet written. */
    readonly heldBack?: number;
    /** Records let go because too many were held back (app/daemon/live-state.ts MAX_HELD_BACK). */
    readonly lost?: number;
  };
}

function condition(c: Omit<AlertCondition, 'key'> & { readonly key?: string }): AlertCondition {
  return { ...c, key: c.key ?? `${c.event}:${c.cluster}:${c.subject}` };
}

export function activeConditions(input: ConditionInput, t: AlertThresholds): AlertCondition[] {
  const { cluster, report, now } = input;
  const out: AlertCondition[] = [];
  for (const w of report.webbridges) {
    if (w.active !== null && w.active >= t.limit && !w.stale) {
      out.push(
        condition({
          event: 'limit',
          cluster,
          subject: w.name,
          severity: 'critical',
          summary: `${w.name} is at the limit: ${w.active} of ${t.limit} sessions, nobody more can join from a browser`,
          facts: { active: w.active, limit: t.limit, leakedMin: w.leakedMin },
        }),
      );
    }
    if (w.leakedMin !== null && w.leakedMin >= t.leakAbove) {
      out.push(
        condition({
          event: 'leak',
          cluster,
          subject: w.name,
          severity: 'warning',
          summary: `${w.name} has leaked at least ${w.leakedMin} sessions (alert at ${t.leakAbove})`,
          facts: { leakedMin: w.leakedMin, threshold: t.leakAbove, active: w.active, leakRatePerDay: w.leakRatePerDay },
        }),
      );
    }
    const f = w.limitForecast;
    if (f?.inHours !== null && f?.inHours !== undefined && f.inHours <= t.forecastWithinHours) {
      out.push(
        condition({
          event: 'forecast',
          cluster,
          subject: w.name,
          severity: 'warning',
          summary:
            f.inHours === 0
              ? `${w.name} has no headroom: ${w.leakedMin ?? 0} leaked + a typical peak of ${f.typicalPeakReal} real sessions reach the limit of ${t.limit}`
              : `${w.name} is forecast to reach the limit in ${f.inHours.toFixed(1)} h (${f.at ?? 'unknown'})`,
          facts: { inHours: Number(f.inHours.toFixed(2)), at: f.at, within: t.forecastWithinHours, basis: f.basis },
        }),
      );
    }
  }
  const nodes = [
    ...report.webbridges.map((w) => ({ name: w.name, role: 'webbridge' as const, lastSeen: w.lastSeen })),
    ...report.callbridges.map((c) => ({ name: c.name, role: 'callbridge' as const, lastSeen: c.lastSeen })),
  ];
  for (const n of nodes) {
    const seen = n.lastSeen === null ? input.listeningSince : Math.max(Date.parse(n.lastSeen), input.listeningSince);
    const silentMs = now - seen;
    const role = n.role === 'webbridge' ? 'Web Bridge' : 'Call Bridge';
    if (silentMs >= t.quietAfterMs(n.name, n.role)) {
      out.push(
        condition({
          event: 'quiet',
          cluster,
          subject: n.name,
          severity: 'warning',
          summary:
            n.lastSeen === null
              ? `${role} ${n.name} has sent no Stats since wbguard started (${Math.round(silentMs / 60_000)} min)`
              : `${role} ${n.name} has sent no Stats for ${Math.round(silentMs / 60_000)} min (last ${n.lastSeen})`,
          facts: { lastSeen: n.lastSeen, silentMinutes: Math.round(silentMs / 60_000) },
        }),
      );
    }
  }
  for (const d of input.deferred) {
    out.push(
      condition({
        event: 'restart-deferred',
        cluster,
        subject: d.name,
        severity: 'warning',
        summary: `restart of ${d.name} deferred: ${d.reasons.join('; ')}`,
        facts: { reasons: d.reasons.join('; ') },
      }),
    );
  }
  for (const [transport, dropped] of Object.entries(input.recentDrops)) {
    if (dropped > 0) {
      out.push(
        condition({
          event: 'syslog-drops',
          cluster,
          subject: transport,
          severity: 'warning',
          summary: `syslog over ${transport} dropped ${dropped} messages recently (refused senders, bad frames or a full receive buffer)`,
          facts: { transport, dropped },
        }),
      );
    }
  }
  for (const f of input.mmpFailures ?? []) {
    const expired = f.code === 'WBGUARD_ERR_SSH_PASSWORD_EXPIRED';
    out.push(
      condition({
        event: 'mmp-login',
        cluster,
        subject: f.name,
        severity: 'critical',
        summary: expired
          ? `${f.name}: the MMP demands a new password — restarts will fail until it is changed (log in by hand, change it, update the secret)`
          : `${f.name}: the MMP login probe failed — a restart would fail too: ${f.message}`,
        facts: { code: f.code },
      }),
    );
  }
  for (const d of input.apiDisagreements ?? []) {
    out.push(
      condition({
        event: 'api-disagree',
        cluster,
        subject: d.name,
        severity: 'warning',
        summary: `${d.name}: the CMS API counts ${d.api} real CMA legs but its last STATS line says ${d.syslog}: one of the two views is wrong (clients other than WebRTC? a stuck log?)`,
        facts: { api: d.api, syslog: d.syslog },
      }),
    );
  }
  const sf = input.storeFailure;
  if (sf) {
    out.push(
      condition({
        event: 'store-failed',
        cluster,
        subject: 'store',
        severity: 'critical',
        summary: `the store refuses writes since ${new Date(sf.since).toISOString()} (${sf.code}): ${sf.message} — records are held in memory${sf.heldBack === undefined ? '' : ` (${sf.heldBack} now)`} and written when it takes them again; a crash meanwhile loses them${sf.lost ? `; ${sf.lost} were let go (too many held)` : ''}`,
        facts: {
          code: sf.code,
          since: new Date(sf.since).toISOString(),
          refused: sf.refused,
          heldBack: sf.heldBack ?? null,
          lost: sf.lost ?? 0,
        },
      }),
    );
  }
  return out;
}

/**
 * The one-shot notice for the host clock stepped backwards (app/daemon/clock-watch.ts): instants already recorded
 * now lie in the future, windows and "today" move. Its key holds the instant, so each step is its own event.
 */
export function clockStepCondition(cluster: string, from: number, to: number, now: number): AlertCondition {
  const byS = Math.round((from - to) / 1000);
  return condition({
    key: `clock-step:${cluster}:host:${now}`,
    event: 'clock-step',
    cluster,
    subject: 'host',
    severity: 'warning',
    summary: `the host clock stepped back ${byS} s (from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}): data stamped ahead of it is not taken as fresh, and restarts today still count toward maxPerDay — check NTP`,
    facts: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), backSeconds: byS },
  });
}
