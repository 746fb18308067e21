/**
 * @module bench/lib/shapes
 * The shapes a CMS log line takes in the field, rendered from the corpus' own lines (bench/lib/corpus.ts writes
 * them as CMS's local log does: a BSD stamp with milliseconds, then `facility.severity host tag: message`).
 * Each shape renders the same instant and the same message, so that every shape's corpus holds the same records
 * and analyze's answers can be compared across shapes. Independent of src/core/parse on purpose (as the
 * simulator's templates are): a parser bug must not hide in a round trip.
 */

export const SHAPES = [
  /** CMS's local log: `Oct  1 12:00:00.123 user.info cms1 "webbridge": INFO : …` */
  'bsd',
  /** The same with the `<PRI>` a forwarded message carries: `<14>Oct  1 12:00:00.123 user.info cms1 …` */
  'pri',
  /** CMS's ISO stamps, no zone, milliseconds: `2026-10-01T12:00:00.123 user.info cms1 …` */
  'iso-ms',
  /** rsyslog's RSYSLOG_FileFormat (RFC 3339, microseconds, zone): `2026-10-01T12:00:00.123456+00:00 cms1 tag: …` */
  'rsyslog-iso',
  /** rsyslog's RSYSLOG_TraditionalFileFormat: `Oct  1 12:00:00 cms1 tag: …` (no milliseconds, no facility) */
  'rsyslog-traditional',
  /** syslog-ng's file template with `${ISODATE}`: `2026-10-01T12:00:00+00:00 cms1 tag: …` */
  'syslog-ng',
  /** RFC 5424: `<14>1 2026-10-01T12:00:00.123456Z cms1 webbridge - - - INFO : …` */
  'rfc5424',
  /**
   * The prefix a syslog server adds when it stores the received message whole: its own ISO stamp and the sender's
   * address, then the message as sent (`<14>Oct  1 12:00:00.123 user.info cms1 …`).
   */
  'server-prefix',
] as const;

export type Shape = (typeof SHAPES)[number];

const FACILITY_CODES: Readonly<Record<string, number>> = { user: 1, daemon: 3, local0: 16, local7: 23 };
const SEVERITY_CODES: Readonly<Record<string, number>> = { err: 3, warning: 4, info: 6, debug: 7 };
/** Width of the corpus' BSD stamp, `Oct  1 12:00:00.123`. */
const BSD_WIDTH = 19;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function isoDate(at: number): string {
  const d = new Date(at);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The parts of a corpus line after its stamp: `facility.severity`, host, tag token, message. */
interface Parts {
  readonly pri: number;
  readonly facilityToken: string;
  readonly host: string;
  /** The tag token as written (`"webbridge":`, `host:server:`, `postgres[1003]:`). */
  readonly tag: string;
  /** Everything after the tag token and its one space. */
  readonly message: string;
}

function partsOf(line: string): Parts {
  const rest = line.slice(BSD_WIDTH + 1);
  const a = rest.indexOf(' ');
  const b = rest.indexOf(' ', a + 1);
  const c = rest.indexOf(' ', b + 1);
  const facilityToken = rest.slice(0, a);
  const [facility, severity] = facilityToken.split('.') as [string, string];
  return {
    pri: (FACILITY_CODES[facility] ?? 1) * 8 + (SEVERITY_CODES[severity] ?? 6),
    facilityToken,
    host: rest.slice(a + 1, b),
    tag: rest.slice(b + 1, c),
    message: rest.slice(c + 1),
  };
}

/** An RFC 5424 APP-NAME from a tag token: no quotes, no `[pid]`, no trailing colon. */
function appName(tag: string): string {
  return (
    tag
      .replace(/:$/, '')
      .replace(/^"|"$/g, '')
      .replace(/\[\d+\]$/, '') || '-'
  );
}

/**
 * `line` (a corpus line: BSD stamp with milliseconds for instant `at`, then `facility.severity host tag: …`) in
 * `shape`. `node` numbers the sender for the server prefix's address.
 */
export function renderShape(shape: Shape, line: string, at: number, node: number): string {
  if (shape === 'bsd') {
    return line;
  }
  const bsd = line.slice(0, BSD_WIDTH);
  const p = partsOf(line);
  const ms = pad(new Date(at).getUTCMilliseconds(), 3);
  // Microseconds that vary from line to line, as a real receiver's clock gives them.
  const us = `${ms}${pad(at % 1000, 3)}`;
  switch (shape) {
    case 'pri':
      return `<${p.pri}>${line}`;
    case 'iso-ms':
      return `${isoDate(at)}.${ms} ${line.slice(BSD_WIDTH + 1)}`;
    case 'rsyslog-iso':
      return `${isoDate(at)}.${us}+00:00 ${p.host} ${p.tag} ${p.message}`;
    case 'rsyslog-traditional':
      return `${bsd.slice(0, 15)} ${p.host} ${p.tag} ${p.message}`;
    case 'syslog-ng':
      return `${isoDate(at)}+00:00 ${p.host} ${p.tag} ${p.message}`;
    case 'rfc5424':
      return `<${p.pri}>1 ${isoDate(at)}.${us}Z ${p.host} ${appName(p.tag)} - - - ${p.message}`;
    case 'server-prefix':
      return `${isoDate(at + 3)}.${pad(new Date(at + 3).getUTCMilliseconds(), 3)}Z 10.0.0.${node + 1} <${p.pri}>${line}`;
  }
}
