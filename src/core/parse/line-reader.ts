/**
 * @module core/parse/line-reader
 * Reads one log line into a CMS record, an ignorable line, or a malformed one. Stateful only for the year of BSD
 * stamps, which carry none: it starts from `year` and moves on when the months wrap from December to January.
 * Never throws: whatever comes in, a LineOutcome comes out.
 */
import type { LineOutcome, WebBridgeStatsRecord } from '../model.js';
import { parsePayload } from './cms-payloads.js';
import { DEFAULT_JOIN_REFUSAL, type JoinRefusal } from './join-refusal.js';
import { type EnvelopeFields, StatsLineBytes, type StatsLineFields } from './stats-bytes.js';
import { parseEnvelope } from './syslog-envelope.js';
import type { BsdStamp } from './timestamp.js';
import { wallClockToEpoch } from './zoned-time.js';

/** Lines longer than this are not parsed (a CMS line is a few hundred bytes; this bounds regex work). */
export const MAX_LINE_LENGTH = 64 * 1024;

export interface LineReaderOptions {
  /** Year of the first BSD stamp (`--year`, else the file's modification year). */
  readonly year: number;
  /**
   * Month (1–12) of the file's modification time, when the year came from it: a first stamp in a later month
   * than this belongs to the year before (a log started in December, written until January).
   */
  readonly referenceMonth?: number;
  /** IANA zone for stamps without a zone. @default 'UTC' */
  readonly timeZone?: string;
  /** How a join refusal is recognised (join-refusal.ts). @default DEFAULT_JOIN_REFUSAL, an assumed wording */
  readonly joinRefusal?: JoinRefusal;
  /**
   * Where the year of BSD stamps stands when reading starts in the middle of a source (a file read in segments by
   * several threads): the state the reading of the lines before would have ended in. @default a source's start
   */
  readonly yearState?: YearState;
}

/**
 * The whole of a line reader's state: the year of BSD stamps, and the month of the last one (0: none read yet).
 * A source read in segments is read right when each segment starts where the one before it ended.
 */
export interface YearState {
  readonly year: number;
  readonly lastMonth: number;
}

/** The first BSD stamp a reader resolved: its month, and the year it gave it. */
export interface FirstStamp {
  readonly month: number;
  readonly year: number;
}

/**
 * The year of a BSD stamp in `month` read in `state`: the year moves on when the months wrap from December to
 * January; the first stamp of a source (lastMonth 0) in a later month than `referenceMonth` (the file's
 * modification month, when its year came from it) belongs to the year before.
 */
export function yearOfStamp(state: YearState, month: number, referenceMonth: number | undefined): number {
  if (state.lastMonth === 0 && referenceMonth !== undefined && month > referenceMonth) {
    return state.year - 1;
  }
  if (state.lastMonth >= 11 && month <= 2 && state.lastMonth > month) {
    return state.year + 1;
  }
  return state.year;
}

export interface LineReader {
  read(line: string): LineOutcome;
  /**
   * The Web Bridge Stats record of the line in `bytes[start, end)` (no newline) when it has a shape read from bytes
   * (stats-bytes.ts: BSD, `<PRI>`, ISO 8601, RFC 5424), exactly as `read` would give it; otherwise undefined, nothing changed, and the caller decodes
   * the line for `read`.
   */
  readWebBridgeStats(bytes: Uint8Array, start: number, end: number): WebBridgeStatsRecord | undefined;
  /**
   * The record of a Stats line whose fields were read elsewhere (the scan's WebAssembly reader, which reads what
   * stats-bytes.ts reads), its stamp resolved with this reader's year, as `read` would give it.
   */
  webBridgeStatsOf(fields: StatsLineFields): WebBridgeStatsRecord;
  /** The instant of a BSD stamp read from a line of this source, the year carried on as `read` does. */
  resolveStamp(stamp: BsdStamp): number;
  /** Where the year of BSD stamps stands now (after every line read). */
  yearState(): YearState;
  /** The first BSD stamp this reader resolved, once it has resolved one. */
  firstStamp(): FirstStamp | undefined;
  /**
   * What `read` gives for a line of the BSD shape whose envelope was read elsewhere (the scan's WebAssembly reader)
   * and whose message, from its first token after the tag, is `message`.
   */
  envelopeOutcome(fields: EnvelopeFields, message: string): LineOutcome;
  /**
   * What `read` gives for a line whose envelope was read elsewhere with a stamp of its own instant (ISO 8601, the
   * source's zone applied), from `host`, and whose message is `message`.
   */
  instantOutcome(at: number, host: string, message: string): LineOutcome;
}

const IGNORED: LineOutcome = Object.freeze({ kind: 'ignored' });

/**
 * Whether a line is empty or only white space. A line starting with a visible ASCII character (every log line) is
 * answered without trim(), which calls into the runtime for each of the hundreds of thousands of lines read.
 */
function isBlank(line: string): boolean {
  const first = line.charCodeAt(0);
  return !(first > 32 && first < 127) && line.trim().length === 0;
}

export function createLineReader(options: LineReaderOptions): LineReader {
  return new CmsLineReader(options);
}

/**
 * A class, not an object of closures: every source of `analyze` has a reader of its own, and with closures the scan
 * code calling them saw a new function per source, which V8 deoptimised for ("wrong call target"); one class keeps
 * those calls monomorphic.
 */
class CmsLineReader implements LineReader {
  readonly #timeZone: string;
  readonly #refusal: JoinRefusal;
  readonly #referenceMonth: number | undefined;
  readonly #statsBytes = new StatsLineBytes();
  #year: number;
  #lastMonth: number;
  #first: FirstStamp | undefined;
  /** #resolveBsd for the envelope parser, which takes a function (the general path). */
  readonly #resolver = (s: BsdStamp): number => this.#resolveBsd(s);

  constructor(options: LineReaderOptions) {
    this.#timeZone = options.timeZone ?? 'UTC';
    this.#refusal = options.joinRefusal ?? DEFAULT_JOIN_REFUSAL;
    this.#referenceMonth = options.referenceMonth;
    this.#year = options.yearState?.year ?? options.year;
    this.#lastMonth = options.yearState?.lastMonth ?? 0;
  }

  /** Resolves a BSD stamp to an instant; the year moves on when the months wrap from December to January. */
  #resolveBsd(s: BsdStamp): number {
    this.#carryYear(s.month);
    return wallClockToEpoch(this.#timeZone, this.#year, s.month, s.day, s.hour, s.minute, s.second, s.ms);
  }

  /** The year of a BSD stamp in `month`, after the stamps read before it (see #resolveBsd). */
  #carryYear(month: number): void {
    // Compared first: nearly every stamp is in the month of the one before, whose year it keeps.
    if (month !== this.#lastMonth) {
      this.#year = yearOfStamp({ year: this.#year, lastMonth: this.#lastMonth }, month, this.#referenceMonth);
      this.#lastMonth = month;
    }
    if (this.#first === undefined) {
      this.#first = { month, year: this.#year };
    }
  }

  yearState(): YearState {
    return { year: this.#year, lastMonth: this.#lastMonth };
  }

  firstStamp(): FirstStamp | undefined {
    return this.#first;
  }

  readWebBridgeStats(bytes: Uint8Array, start: number, end: number): WebBridgeStatsRecord | undefined {
    const f = this.#statsBytes;
    if (f.read(bytes, start, end)) {
      return this.webBridgeStatsOf(f);
    }
    const shape = f.readOtherShape(bytes, start, end, this.#timeZone);
    if (shape === 'no') {
      return undefined;
    }
    return shape === 'bsd'
      ? this.webBridgeStatsOf(f)
      : {
          kind: 'webbridge-stats',
          at: f.at,
          host: f.host,
          active: f.active,
          connects: f.connects,
          disconnects: f.disconnects,
        };
  }

  resolveStamp(stamp: BsdStamp): number {
    return this.#resolveBsd(stamp);
  }

  webBridgeStatsOf(f: StatsLineFields): WebBridgeStatsRecord {
    return {
      kind: 'webbridge-stats',
      at: this.#resolveBsd(f.stamp),
      host: f.host,
      active: f.active,
      connects: f.connects,
      disconnects: f.disconnects,
    };
  }

  read(rawLine: string): LineOutcome {
    try {
      const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
      if (isBlank(line)) {
        return IGNORED;
      }
      if (line.length > MAX_LINE_LENGTH) {
        return { kind: 'malformed', reason: 'line too long' };
      }
      const env = parseEnvelope(line, this.#timeZone, this.#resolver);
      if (!env.ok) {
        return { kind: 'malformed', reason: env.reason };
      }
      return this.#payloadOutcome(env.envelope.message, env.envelope.timestampMs, env.envelope.host);
    } catch (err) {
      // Defensive: parsing code above is written not to throw; a bug must still not stop a log import.
      return { kind: 'malformed', reason: `parser error: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /**
   * The outcome of a line whose envelope is read (BSD stamp resolved, host) and whose message starts at a token
   * boundary: what `read` gives for the whole line. The scan reads such envelopes in WebAssembly
   * (adapters/logfiles/stats-line-kernel.ts) and hands over the message alone.
   */
  envelopeOutcome(fields: EnvelopeFields, message: string): LineOutcome {
    return this.instantOutcome(this.#resolveBsd(fields.stamp), fields.host, message);
  }

  instantOutcome(at: number, host: string, message: string): LineOutcome {
    try {
      return this.#payloadOutcome(message, at, host);
    } catch (err) {
      return { kind: 'malformed', reason: `parser error: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  #payloadOutcome(message: string, at: number | undefined, host: string | undefined): LineOutcome {
    const payload = parsePayload(message, this.#refusal);
    if (payload.kind === 'none') {
      return IGNORED;
    }
    if (payload.kind === 'broken') {
      return { kind: 'malformed', reason: payload.reason };
    }
    if (at === undefined || host === undefined) {
      return { kind: 'malformed', reason: 'record without timestamp or host' };
    }
    switch (payload.kind) {
      case 'webbridge-stats':
        return {
          kind: 'record',
          record: {
            kind: 'webbridge-stats',
            at,
            host,
            active: payload.active,
            connects: payload.connects,
            disconnects: payload.disconnects,
          },
        };
      case 'callbridge-stats':
        return {
          kind: 'record',
          record: {
            kind: 'callbridge-stats',
            at,
            host,
            cma: payload.cma,
            cmaPeak: payload.cmaPeak,
            raw: payload.raw,
          },
        };
      case 'mmp-restart':
        return {
          kind: 'record',
          record: { kind: 'mmp-restart', at, host, command: payload.command, user: payload.user },
        };
      case 'join-refused':
        return { kind: 'record', record: { kind: 'join-refused', at, host } };
    }
  }
}
