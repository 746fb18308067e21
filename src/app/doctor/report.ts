/**
 * @module app/doctor/report
 * The support report of `wbguard doctor --report FILE`: every check and what was observed (MMP outputs verbatim,
 * Stats intervals, versions, stamp shapes, page sizes), so a support case has the facts and the CMS behaviours
 * wbguard could only guess at (marked unconfirmed in docs/cms-setup.md) can be confirmed. It never holds a secret: every value of a
 * resolved secret is replaced before anything is written or printed.
 */
import type { WbguardConfig } from '../config/index.js';
import type { ApiObservation } from './api-checks.js';
import type { Check } from './check.js';
import type { MmpObservation } from './mmp-checks.js';
import { median, medianIntervalMs, type SyslogObservation } from './syslog-observation.js';

export interface SyslogFacts {
  readonly source: 'listen' | 'logs' | 'daemon' | 'none';
  readonly seconds?: number;
  readonly listeners?: ReadonlyArray<{ transport: string; address: string; messages: number; denied: number }>;
  readonly hosts: ReadonlyArray<{
    host: string;
    lines: number;
    senders: string[];
    transports: string[];
    stampShapes: string[];
    skewMs: number | null;
    webBridgeStats: { count: number; intervalMs: number | null; sample: string | null };
    callBridgeStats: { count: number; intervalMs: number | null; sample: string | null };
    refusals: number;
    otherSample: string | null;
  }>;
}

export interface DoctorReport {
  readonly generatedAt: string;
  readonly wbguardVersion: string;
  readonly config: string;
  readonly checks: readonly Check[];
  readonly syslog: SyslogFacts;
  readonly api: readonly ApiObservation[];
  readonly mmp: readonly MmpObservation[];
}

export function syslogFacts(
  source: SyslogFacts['source'],
  observation: SyslogObservation | undefined,
  extra: Pick<SyslogFacts, 'seconds' | 'listeners'> = {},
): SyslogFacts {
  const hosts = [...(observation?.hosts.values() ?? [])].map((h) => ({
    host: h.host,
    lines: h.lines,
    senders: [...h.senders],
    transports: [...h.transports],
    stampShapes: [...h.stampShapes],
    skewMs: median(h.skewsMs) ?? null,
    webBridgeStats: {
      count: h.webBridgeStats.length,
      intervalMs: medianIntervalMs(h.webBridgeStats) ?? null,
      sample: h.samples.webBridgeStats ?? null,
    },
    callBridgeStats: {
      count: h.callBridgeStats.length,
      intervalMs: medianIntervalMs(h.callBridgeStats) ?? null,
      sample: h.samples.callBridgeStats ?? null,
    },
    refusals: h.refusals,
    otherSample: h.samples.other ?? null,
  }));
  return { source, ...extra, hosts };
}

/**
 * Replaces every resolved secret's value in `text` (a secret cannot reach a check by design; this is the second
 * lock, for text that came from elsewhere, such as an MMP's output echoing what it was sent).
 */
export function withoutSecrets(text: string, config: WbguardConfig | undefined): string {
  let out = text;
  for (const secret of config?.secrets.values() ?? []) {
    const value = secret.reveal();
    if (value.length >= 4) {
      out = out.split(value).join('[redacted]');
    }
  }
  return out;
}
