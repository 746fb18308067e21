/**
 * @module core/parse/line-reader
 * Reads one log line into a CMS record, an ignorable line, or a malformed one. Stateful only for the year of BSD
 * stamps, which carry none: it starts from `year` and moves on when the months wrap from December to January.
 * Never throws: whatever comes in, a LineOutcome comes out.
 */
import type { LineOutcome, WebBridgeStatsRecord } from '../model.js';
import { DEFAULT_JOIN_REFUSED_PATTERNS, parsePayload } from './cms-payloads.js';
import { StatsLineBytes } from './stats-bytes.js';
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
  /** Replaces the default (assumed) join-refused wordings. */
  readonly joinRefusedPatterns?: readonly RegExp[];
}

export interface LineReader {
  read(line: string): LineOutcome;
  /**
   * The Web Bridge Stats record of the line in `bytes[start, end)` (no newline) when it has the common shape
   * (stats-bytes.ts), exactly as `read` would give it; otherwise undefined, nothing changed, and the caller decodes
   * the line for `read`.
   */
  readWebBridgeStats(bytes: Uint8Array, start: number, end: number): WebBridgeStatsRecord | undefined;
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
  const timeZone = options.timeZone ?? 'UTC';
  const patterns = options.joinRefusedPatterns ?? DEFAULT_JOIN_REFUSED_PATTERNS;
  let year = options.year;
  let lastMonth = 0;
  const resolveBsd = (s: BsdStamp): number => {
    if (lastMonth === 0 && options.referenceMonth !== undefined && s.month > options.referenceMonth) {
      year -= 1;
    } else if (lastMonth >= 11 && s.month <= 2 && lastMonth > s.month) {
      year += 1;
    }
    lastMonth = s.month;
    return wallClockToEpoch(timeZone, year, s.month, s.day, s.hour, s.minute, s.second, s.ms);
  };

  const statsBytes = new StatsLineBytes();

  return {
    readWebBridgeStats(bytes, start, end) {
      const f = statsBytes.read(bytes, start, end);
      if (!f) {
        return undefined;
      }
      return {
        kind: 'webbridge-stats',
        at: resolveBsd(f.stamp),
        host: f.host,
        active: f.active,
        connects: f.connects,
        disconnects: f.disconnects,
      };
    },
    read(rawLine: string): LineOutcome {
      try {
        const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
        if (isBlank(line)) {
          return IGNORED;
        }
        if (line.length > MAX_LINE_LENGTH) {
          return { kind: 'malformed', reason: 'line too long' };
        }
        const env = parseEnvelope(line, timeZone, resolveBsd);
        if (!env.ok) {
          return { kind: 'malformed', reason: env.reason };
        }
        const { envelope } = env;
        const payload = parsePayload(envelope.message, patterns);
        if (payload.kind === 'none') {
          return IGNORED;
        }
        if (payload.kind === 'broken') {
          return { kind: 'malformed', reason: payload.reason };
        }
        const at = envelope.timestampMs;
        const host = envelope.host;
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
      } catch (err) {
        // Defensive: parsing code above is written not to throw; a bug must still not stop a log import.
        return { kind: 'malformed', reason: `parser error: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  };
}
