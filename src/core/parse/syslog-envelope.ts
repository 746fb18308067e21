/**
 * @module core/parse/syslog-envelope
 * Splits one syslog line into its envelope (PRI, stamp, facility.severity, host, tag) and message, for every shape
 * listed in docs/architecture.md ("Log formats"): RFC 3164-like with optional `<PRI>`, BSD or ISO stamps, CMS's `facility.severity` token
 * before the host (docs/cms-facts.md §3.1–3.2, sources S3–S8, S13), RFC 5424, rsyslog and syslog-ng file templates,
 * and WB3's extra container-id token before the tag. Scans by index; never throws.
 */
import type { SyslogEnvelope } from '../model.js';
import { type BsdStamp, readBsdStamp, readIsoStamp } from './timestamp.js';

const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const SEVERITY_ALIASES = new Set([...SEVERITIES, 'error', 'warn', 'panic', 'critical', 'emergency']);
/** Facility names by RFC 5424 code (PRI >> 3); the same names are accepted in CMS's `facility.severity` token. */
const FACILITY_BY_CODE = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];
const FACILITIES = new Set(FACILITY_BY_CODE);

/** Turns a BSD stamp (no year) into epoch ms; supplied by the stateful line reader. */
export type BsdResolver = (stamp: BsdStamp) => number;

export type EnvelopeResult = { ok: true; envelope: SyslogEnvelope } | { ok: false; reason: string };

function skipSpaces(line: string, pos: number): number {
  while (pos < line.length && (line.charCodeAt(pos) === 32 || line.charCodeAt(pos) === 9)) {
    pos++;
  }
  return pos;
}

function tokenEnd(line: string, pos: number): number {
  while (pos < line.length) {
    const c = line.charCodeAt(pos);
    if (c === 32 || c === 9) {
      break;
    }
    pos++;
  }
  return pos;
}

/**
 * Every `facility.severity` token with its two names, so that telling one from a host name, and splitting it, is
 * one map lookup (this runs on every candidate line; the names hold no dot, so a token is here exactly when it
 * splits at its only dot into a known facility and severity).
 */
const FACILITY_SEVERITY_TOKENS = new Map<string, { facility: string; severity: string }>(
  [...FACILITIES].flatMap((facility) =>
    [...SEVERITY_ALIASES].map((severity) => [`${facility}.${severity}`, { facility, severity }] as const),
  ),
);

/** Whether `token` is a `facility.severity` token (`user.info`), which parseEnvelope skips before the host. */
export function isFacilitySeverityToken(token: string): boolean {
  return FACILITY_SEVERITY_TOKENS.has(token);
}

/** Strips quotes and a `[pid]` suffix from a tag token that ended with ':'. */
function cleanTag(token: string): string {
  let tag = token.slice(0, -1);
  if (tag.length >= 2 && tag.startsWith('"') && tag.endsWith('"')) {
    tag = tag.slice(1, -1);
  }
  const bracket = tag.indexOf('[');
  if (bracket > 0 && tag.endsWith(']')) {
    tag = tag.slice(0, bracket);
  }
  return tag;
}

function readPri(line: string): { pri: number | undefined; pos: number } | undefined {
  if (line.charCodeAt(0) !== 60 /* < */) {
    return { pri: undefined, pos: 0 };
  }
  const close = line.indexOf('>', 1);
  if (close < 2 || close > 4) {
    return undefined;
  }
  const digits = line.slice(1, close);
  if (!/^\d{1,3}$/.test(digits)) {
    return undefined;
  }
  const pri = Number(digits);
  return pri > 191 ? undefined : { pri, pos: close + 1 };
}

/** RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG` with `-` for nil values. */
function readRfc5424(line: string, pos: number, pri: number | undefined, timeZone: string): EnvelopeResult {
  const fields: string[] = [];
  let p = pos;
  for (let i = 0; i < 6; i++) {
    p = skipSpaces(line, p);
    const end = tokenEnd(line, p);
    if (end === p) {
      return { ok: false, reason: 'truncated RFC 5424 header' };
    }
    fields.push(line.slice(p, end));
    p = end;
  }
  const [, stamp, host, app] = fields as [string, string, string, string, string, string];
  let timestampMs: number | undefined;
  if (stamp !== '-') {
    const iso = readIsoStamp(stamp, 0, timeZone);
    if (!iso || iso.end !== stamp.length) {
      return { ok: false, reason: 'bad RFC 5424 timestamp' };
    }
    timestampMs = iso.at;
  }
  p = skipSpaces(line, p);
  // Structured data: '-' or one or more [id k="v" ...] elements; values may hold escaped ] and ".
  if (line[p] === '-') {
    p++;
  } else {
    while (line[p] === '[') {
      let q = p + 1;
      let inQuote = false;
      while (q < line.length) {
        const ch = line[q];
        if (ch === '\\') {
          q += 2;
          continue;
        }
        if (ch === '"') {
          inQuote = !inQuote;
        } else if (ch === ']' && !inQuote) {
          break;
        }
        q++;
      }
      if (q >= line.length) {
        return { ok: false, reason: 'unterminated RFC 5424 structured data' };
      }
      p = q + 1;
    }
  }
  let message = line.slice(skipSpaces(line, p));
  if (message.startsWith('\uFEFF')) {
    message = message.slice(1);
  }
  return {
    ok: true,
    envelope: {
      timestampMs,
      host: host === '-' ? undefined : host,
      tag: app === '-' ? undefined : app,
      pri,
      facility: pri === undefined ? undefined : FACILITY_BY_CODE[pri >> 3],
      severity: pri === undefined ? undefined : SEVERITIES[pri & 7],
      message,
    },
  };
}

/**
 * Parses the envelope of `line`. A line whose stamp cannot be read is not an envelope (ok: false); the caller
 * decides whether that matters (it does only for lines that carry a CMS payload).
 */
export function parseEnvelope(line: string, timeZone: string, resolveBsd: BsdResolver): EnvelopeResult {
  const priRead = readPri(line);
  if (!priRead) {
    return { ok: false, reason: 'bad <PRI>' };
  }
  const { pri } = priRead;
  let pos = priRead.pos;
  // RFC 5424 has a version digit right after PRI.
  if (pri !== undefined && /^[1-9]\d? \S/.test(line.slice(pos, pos + 4))) {
    return readRfc5424(line, pos, pri, timeZone);
  }
  pos = skipSpaces(line, pos);
  let timestampMs: number;
  const first = line.charCodeAt(pos);
  if (first >= 48 && first <= 57) {
    const iso = readIsoStamp(line, pos, timeZone);
    if (!iso) {
      return { ok: false, reason: 'unreadable timestamp' };
    }
    timestampMs = iso.at;
    pos = iso.end;
  } else {
    const bsd = readBsdStamp(line, pos);
    if (!bsd) {
      return { ok: false, reason: 'unreadable timestamp' };
    }
    timestampMs = resolveBsd(bsd);
    pos = bsd.end;
  }
  pos = skipSpaces(line, pos);
  let end = tokenEnd(line, pos);
  let token = line.slice(pos, end);
  let facility = pri === undefined ? undefined : FACILITY_BY_CODE[pri >> 3];
  let severity = pri === undefined ? undefined : SEVERITIES[pri & 7];
  const names = FACILITY_SEVERITY_TOKENS.get(token);
  if (names) {
    facility = names.facility;
    severity = names.severity;
    pos = skipSpaces(line, end);
    end = tokenEnd(line, pos);
    token = line.slice(pos, end);
  }
  if (token.length === 0) {
    return { ok: false, reason: 'no host' };
  }
  const host = token;
  pos = skipSpaces(line, end);
  // The tag is the next token ending in ':'; WB3 lines carry one extra token (a container id) before it.
  let tag: string | undefined;
  let messageStart = pos;
  for (let i = 0, p = pos; i < 2 && p < line.length; i++) {
    const e = tokenEnd(line, p);
    // Sliced only once known to be the tag (a token of 2+ characters ending in ':').
    if (e - p > 1 && line.charCodeAt(e - 1) === 58 /* : */) {
      tag = cleanTag(line.slice(p, e));
      messageStart = skipSpaces(line, e);
      break;
    }
    p = skipSpaces(line, e);
  }
  return {
    ok: true,
    envelope: { timestampMs, host, tag, pri, facility, severity, message: line.slice(messageStart) },
  };
}
