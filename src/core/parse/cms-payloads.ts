/**
 * @module core/parse/cms-payloads
 * Recognises the CMS messages wbguard acts on, inside an already-split syslog message:
 * - Web Bridge 2 `Stats N, c:X, d:Y` (docs/cms-facts.md §1, S1) anywhere in the message;
 * - Call Bridge 2.8+ `STATS: {json}` with `"CMA": "cur/peak"` (§2, S1); every other key kept as read;
 * - MMP audit `User U from A issued command < webbridge restart>: permission granted` (§3.1, S5);
 * - a Web Bridge refusing a join at its limit. The real wording is NOT documented anywhere (docs/cms-facts.md
 *   unconfirmed #3): what is looked for, and at which level, is configurable (join-refusal.ts).
 */

import { candidateSubstringsFor, DEFAULT_JOIN_REFUSAL, isJoinRefusal, type JoinRefusal } from './join-refusal.js';

/** Sane upper bounds: anything beyond is a corrupted number, not a Web Bridge. */
const MAX_ACTIVE = 100_000;
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

const STATS_RE = /Stats\s{1,8}(\d{1,12}),\s{0,8}c:(\d{1,20}),\s{0,8}d:(\d{1,20})/;
const STATS_HINT_RE = /Stats\s{1,8}\d/;
const AUDIT_RE =
  /User (\S{1,256}) from \S{1,256} issued command <\s{0,8}(webbridge3? restart)\s{0,8}>: permission granted/;

/**
 * Substrings at least one of which every line yielding a record contains, with the default join refusal
 * (join-refusal.ts: the record substrings and the levels a refusal is assumed to be logged at). A byte scanner may
 * skip every line that has none of them.
 */
export const CANDIDATE_SUBSTRINGS: readonly string[] = candidateSubstringsFor(
  DEFAULT_JOIN_REFUSAL,
) as readonly string[];

export type PayloadResult =
  | { kind: 'webbridge-stats'; active: number; connects: number; disconnects: number }
  | { kind: 'callbridge-stats'; cma: number; cmaPeak: number; raw: Record<string, unknown> }
  | { kind: 'mmp-restart'; command: 'webbridge restart' | 'webbridge3 restart'; user: string }
  | { kind: 'join-refused' }
  | { kind: 'none' }
  | { kind: 'broken'; reason: string };

export function isCandidateLine(line: string): boolean {
  for (const s of CANDIDATE_SUBSTRINGS) {
    if (line.includes(s)) {
      return true;
    }
  }
  return false;
}

function safeInt(text: string, max: number): number | undefined {
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 0 && n <= max ? n : undefined;
}

function parseWebBridgeStats(message: string): PayloadResult {
  const m = STATS_RE.exec(message);
  if (!m) {
    return STATS_HINT_RE.test(message) ? { kind: 'broken', reason: 'unreadable Stats line' } : { kind: 'none' };
  }
  const active = safeInt(m[1] as string, MAX_ACTIVE);
  const connects = safeInt(m[2] as string, MAX_COUNTER);
  const disconnects = safeInt(m[3] as string, MAX_COUNTER);
  if (active === undefined || connects === undefined || disconnects === undefined) {
    return { kind: 'broken', reason: 'Stats number out of range' };
  }
  return { kind: 'webbridge-stats', active, connects, disconnects };
}

/** `"cur/peak"` or a bare number. */
function parseCurPeak(value: unknown): { cur: number; peak: number } | undefined {
  if (typeof value === 'number') {
    const n = safeInt(String(value), MAX_ACTIVE);
    return n === undefined ? undefined : { cur: n, peak: n };
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const m = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/.exec(value);
  if (!m) {
    return undefined;
  }
  const cur = safeInt(m[1] as string, MAX_ACTIVE);
  const peak = safeInt(m[2] as string, MAX_ACTIVE);
  return cur === undefined || peak === undefined ? undefined : { cur, peak };
}

function parseCallBridgeStats(message: string, at: number): PayloadResult {
  const brace = message.indexOf('{', at);
  if (brace < 0) {
    return { kind: 'broken', reason: 'STATS without JSON' };
  }
  const close = message.lastIndexOf('}');
  if (close < brace) {
    return { kind: 'broken', reason: 'truncated STATS JSON' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(message.slice(brace, close + 1));
  } catch {
    return { kind: 'broken', reason: 'bad STATS JSON' };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { kind: 'broken', reason: 'STATS JSON is not an object' };
  }
  const record = raw as Record<string, unknown>;
  if (!('CMA' in record)) {
    return { kind: 'broken', reason: 'STATS without CMA' };
  }
  const cma = parseCurPeak(record.CMA);
  if (!cma) {
    return { kind: 'broken', reason: 'unreadable CMA value' };
  }
  return { kind: 'callbridge-stats', cma: cma.cur, cmaPeak: cma.peak, raw: record };
}

/** Finds the CMS payload in `message`, if any. */
export function parsePayload(message: string, refusal: JoinRefusal = DEFAULT_JOIN_REFUSAL): PayloadResult {
  const statsAt = message.indexOf('STATS:');
  if (statsAt >= 0) {
    return parseCallBridgeStats(message, statsAt);
  }
  if (message.includes('Stats')) {
    const stats = parseWebBridgeStats(message);
    if (stats.kind !== 'none') {
      return stats;
    }
  }
  if (message.includes('restart')) {
    const m = AUDIT_RE.exec(message);
    if (m) {
      return { kind: 'mmp-restart', user: m[1] as string, command: m[2] as 'webbridge restart' | 'webbridge3 restart' };
    }
  }
  return isJoinRefusal(message, refusal) ? { kind: 'join-refused' } : { kind: 'none' };
}
