/**
 * @module app/doctor/syslog-observation
 * What the doctor saw of syslog, per sending host: how many lines, from which addresses and transports, in which
 * stamp shapes, how far the stamps are from this host's clock, the Web Bridge Stats and Call Bridge STATS lines
 * (their stamps give the intervals) and the join refusals. Fed line by line (a listener) or record by record (log
 * files); it only counts, so the checks and the support report read the same facts.
 */
import type { CmsRecord } from '../../core/model.js';
import {
  createLineReader,
  DEFAULT_JOIN_REFUSAL,
  type JoinRefusal,
  type LineReader,
  parseEnvelope,
} from '../../core/parse/index.js';

/** How a line's time is written; the BSD shape carries no year (the reader infers it). */
export type StampShape =
  | 'BSD without year'
  | 'ISO-8601 with zone'
  | 'ISO-8601 without zone'
  | 'RFC 5424'
  | 'unreadable';

export interface HostObservation {
  readonly host: string;
  lines: number;
  readonly senders: Set<string>;
  readonly transports: Set<string>;
  readonly stampShapes: Set<StampShape>;
  /** Line stamp − time received, ms (live lines only). */
  readonly skewsMs: number[];
  readonly webBridgeStats: number[];
  readonly callBridgeStats: number[];
  refusals: number;
  /** First line of each kind, verbatim, for the support report. */
  readonly samples: { webBridgeStats?: string; callBridgeStats?: string; other?: string };
}

const MONTH = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) /;
const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?(\s|$)/;

/** The stamp shape of one line (after an optional `<PRI>`). */
export function stampShapeOf(line: string): StampShape {
  const pri = /^<\d{1,3}>/.exec(line);
  const rest = pri ? line.slice(pri[0].length) : line;
  if (pri && /^[1-9]\d? \S/.test(rest)) {
    return 'RFC 5424';
  }
  const start = rest.trimStart();
  if (MONTH.test(start)) {
    return 'BSD without year';
  }
  const iso = ISO.exec(start);
  if (iso) {
    return iso[2] ? 'ISO-8601 with zone' : 'ISO-8601 without zone';
  }
  return 'unreadable';
}

export class SyslogObservation {
  readonly hosts = new Map<string, HostObservation>();
  /** Lines whose envelope could not be read (no host to file them under). */
  unreadable = 0;
  readonly #reader: LineReader;
  readonly #resolve: (s: Parameters<LineReader['resolveStamp']>[0]) => number;

  constructor(year: number, joinRefusal: JoinRefusal = DEFAULT_JOIN_REFUSAL) {
    this.#reader = createLineReader({ year, timeZone: 'UTC', joinRefusal });
    this.#resolve = (s) => this.#reader.resolveStamp(s);
  }

  #host(host: string): HostObservation {
    let h = this.hosts.get(host);
    if (!h) {
      h = {
        host,
        lines: 0,
        senders: new Set(),
        transports: new Set(),
        stampShapes: new Set(),
        skewsMs: [],
        webBridgeStats: [],
        callBridgeStats: [],
        refusals: 0,
        samples: {},
      };
      this.hosts.set(host, h);
    }
    return h;
  }

  /** One message as a listener received it. */
  addLine(line: string, sender: string, transport: string, receivedAt: number): void {
    const env = parseEnvelope(line, 'UTC', this.#resolve);
    if (!env.ok || env.envelope.host === undefined) {
      this.unreadable++;
      return;
    }
    const h = this.#host(env.envelope.host);
    h.lines++;
    h.senders.add(sender);
    h.transports.add(transport);
    h.stampShapes.add(stampShapeOf(line));
    if (env.envelope.timestampMs !== undefined) {
      h.skewsMs.push(env.envelope.timestampMs - receivedAt);
    }
    const outcome = this.#reader.read(line);
    if (outcome.kind === 'record') {
      this.#count(h, outcome.record, line);
    } else {
      h.samples.other ??= line;
    }
  }

  /** Notes the stamp shapes of lines read from a file, under their hosts (lines are counted by addRecord). */
  noteShapes(lines: readonly string[]): void {
    for (const line of lines) {
      const env = parseEnvelope(line, 'UTC', this.#resolve);
      if (env.ok && env.envelope.host !== undefined) {
        this.hosts.get(env.envelope.host)?.stampShapes.add(stampShapeOf(line));
      }
    }
  }

  /** One record read from a log file (no sender, transport or arrival time). */
  addRecord(record: CmsRecord, source: string): void {
    const h = this.#host(record.host);
    h.lines++;
    h.senders.add(source);
    this.#count(h, record, undefined);
  }

  #count(h: HostObservation, r: CmsRecord, line: string | undefined): void {
    if (r.kind === 'webbridge-stats') {
      h.webBridgeStats.push(r.at);
      if (line) {
        h.samples.webBridgeStats ??= line;
      }
    } else if (r.kind === 'callbridge-stats') {
      h.callBridgeStats.push(r.at);
      if (line) {
        h.samples.callBridgeStats ??= line;
      }
    } else if (r.kind === 'join-refused') {
      h.refusals++;
    }
  }

  totalLines(): number {
    let n = 0;
    for (const h of this.hosts.values()) {
      n += h.lines;
    }
    return n;
  }
}

/** The median of the gaps between consecutive stamps, or undefined with fewer than two. */
export function medianIntervalMs(stamps: readonly number[]): number | undefined {
  const sorted = [...stamps].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => t - (sorted[i] as number));
  return median(gaps);
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
