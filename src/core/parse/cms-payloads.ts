/**
 * @module core/parse/cms-payloads
 * Recognises the CMS messages wbguard acts on, inside an already-split syslog message:
 * - Web Bridge 2 `Stats N, c:X, d:Y` (docs/cms-facts.md §1, S1) anywhere in the message;
 * - Call Bridge 2.8+ `STATS: {json}` with `"CMA": "cur/peak"` (§2, S1); every other key kept as read;
 * - MMP audit `User U from A issued command < webbridge restart>: permission granted` (§3.1, S5);
 * - a Web Bridge refusing a join at its limit. The real wording is NOT documented anywhere (docs/cms-facts.md
 *   unconfirmed #3): the default patterns below are assumptions, and are looked for only in lines logged at
 *   ERROR or WARNING level (CMS writes the level in the message body: `INFO :`, `ERROR :`). Custom
 *   `joinRefusedPatterns` replace them and are looked for in every line.
 */

/** Sane upper bounds: anything beyond is a corrupted number, not a Web Bridge. */
const MAX_ACTIVE = 100_000;
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

const STATS_RE = /Stats\s{1,8}(\d{1,12}),\s{0,8}c:(\d{1,20}),\s{0,8}d:(\d{1,20})/;
const STATS_HINT_RE = /Stats\s{1,8}\d/;
const AUDIT_RE =
  /User (\S{1,256}) from \S{1,256} issued command <\s{0,8}(webbridge3? restart)\s{0,8}>: permission granted/;

/** Default join-refused wordings (assumed, see the module comment). */
export const DEFAULT_JOIN_REFUSED_PATTERNS: readonly RegExp[] = [
  /join refused/i,
  /unable to join meeting/i,
  /connection rejected: too many sessions/i,
  /session limit reached/i,
];

/**
 * Substrings at least one of which every line yielding a record contains (with the default join-refused
 * patterns). A byte scanner may skip every line that has none of them. They all start with a capital letter on
 * purpose: capitals are rare in log text, so a byte search for them runs several times faster than for
 * lower-case words (measured: 'User ' 2.5 ms against 'restart' 10 ms on 39 MB).
 */
export const CANDIDATE_SUBSTRINGS: readonly string[] = ['Stats ', 'STATS:', 'User ', 'ERROR', 'WARN'];

/**
 * The candidate substrings that are level words: a line holding one of them but none of the others yields a record
 * only as a join refusal (or through a `Stats` the strict substring missed), so a scanner may look for what a
 * refusal says (refusalLiterals) instead of the level word, and ask for the level word only in the lines saying it
 * (adapters/logfiles/candidate-scanner.ts).
 */
export const LEVEL_SUBSTRINGS: readonly string[] = ['ERROR', 'WARN'];

/**
 * What the refusal patterns say, folded to lower case, when every pattern is a case-insensitive literal (as the
 * defaults are): a line holding none of them, in any case, cannot be a refusal. Undefined when a pattern is more
 * than a literal (custom patterns): then no line can be ruled out this way.
 */
export function refusalLiterals(patterns: readonly RegExp[]): readonly string[] | undefined {
  const literals: string[] = [];
  if (patterns.length > 32) {
    return undefined;
  }
  for (const re of patterns) {
    // Letters, digits, spaces and a few marks that are literal in a regular expression; ASCII only, so that
    // folding with |0x20 is exactly what the `i` flag (without `u`) does to them.
    if (!re.flags.includes('i') || re.flags.includes('u') || !/^[A-Za-z0-9 :,'_-]+$/.test(re.source)) {
      return undefined;
    }
    literals.push(re.source.toLowerCase());
  }
  return literals;
}

/**
 * What the default refusal patterns say (refusalLiterals of DEFAULT_JOIN_REFUSED_PATTERNS): a line holding a level
 * word and none of the other candidate substrings is worth reading only when it says one of these (in any ASCII
 * case) or holds the `Stats` marker. analyze's scanner and the daemon's listeners both keep to it.
 */
export const DEFAULT_REFUSAL_WORDINGS: readonly string[] | undefined = refusalLiterals(DEFAULT_JOIN_REFUSED_PATTERNS);

/**
 * Which lines holding a level word (`levels`, matched as they are) but none of the other candidate substrings are
 * worth reading: those that also say one of `wordings` (small letters, matched in any ASCII case) or hold `marker`
 * (matched as it is, the head of `Stats `). Such a line can yield a record only as a join refusal (the refusal
 * patterns are looked for only at ERROR/WARN level), or as a Web Bridge Stats line the strict `Stats ` substring
 * missed (`Stats` followed by a tab, say).
 */
export interface LevelLineRule {
  readonly levels: readonly string[];
  readonly wordings: readonly string[];
  readonly marker: string;
}

/**
 * The rule for the default refusal patterns, which analyze's scanner (adapters/logfiles/candidate-scanner.ts) and
 * the daemon's listeners (adapters/syslog/wanted-frames.ts) both keep to; undefined when a pattern is more than a
 * literal (then every level-word line is read).
 */
export const DEFAULT_LEVEL_LINE_RULE: LevelLineRule | undefined = DEFAULT_REFUSAL_WORDINGS
  ? { levels: LEVEL_SUBSTRINGS, wordings: DEFAULT_REFUSAL_WORDINGS, marker: 'Stats' }
  : undefined;

/** Levels a join refusal is assumed to be logged at (default patterns only). */
const REFUSAL_LEVELS = ['ERROR', 'WARN'];

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
export function parsePayload(message: string, joinRefusedPatterns: readonly RegExp[]): PayloadResult {
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
  const defaults = joinRefusedPatterns === DEFAULT_JOIN_REFUSED_PATTERNS;
  if (!defaults || REFUSAL_LEVELS.some((level) => message.includes(level))) {
    for (const re of joinRefusedPatterns) {
      if (re.test(message)) {
        return { kind: 'join-refused' };
      }
    }
  }
  return { kind: 'none' };
}
