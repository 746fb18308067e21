/**
 * @module core/parse/join-refusal
 * What a Web Bridge's refusal of a join looks like in its log, and what a scanner may skip because of it. Nothing
 * documents the wording Web Bridge 2 logs when it refuses a join at its limit, nor at which level (docs/cms-facts.md,
 * unconfirmed #3): the defaults below are assumptions, and both are configurable (`analysis.joinRefusedPatterns`,
 * `analysis.joinRefusedLevels`, docs/configuration.md). A line is a refusal when it holds one of the levels (as it
 * is; any line when there are none) and matches one of the patterns (case-insensitive regular expressions).
 *
 * Readers of gigabytes of logs must not read every line for this: from each pattern they take a part every match
 * must contain (requiredLiteral), and only a line holding one of those parts in any case (and a level) is read.
 */

/** How a join refusal is recognised: one of `patterns` in a line holding one of `levels` (none: any line). */
export interface JoinRefusal {
  readonly patterns: readonly RegExp[];
  readonly levels: readonly string[];
}

/** The assumed wordings (see the module comment), as configuration writes them: regular expressions' sources. */
export const DEFAULT_JOIN_REFUSED_PATTERN_SOURCES: readonly string[] = [
  'join refused',
  'unable to join meeting',
  'connection rejected: too many sessions',
  'session limit reached',
];

/** The assumed levels: CMS writes the level in the message body (`INFO :`, `ERROR :`, `WARNING :`). */
export const LEVEL_SUBSTRINGS: readonly string[] = ['ERROR', 'WARN'];

/** A level word a configuration or a flag may give: visible ASCII without spaces, searched as it is, in bytes too. */
export const LEVEL_WORD = /^[!-~]{1,32}$/;
/** Level words that may be given, at most. */
export const MAX_LEVEL_WORDS = 8;

/** Compiles configured patterns as they are matched: in any case (`i`), without `u` (ASCII letters fold only). */
export function compileJoinRefusedPatterns(sources: readonly string[]): RegExp[] {
  return sources.map((s) => new RegExp(s, 'i'));
}

/** Default join-refused patterns (assumed, see the module comment). */
export const DEFAULT_JOIN_REFUSED_PATTERNS: readonly RegExp[] = compileJoinRefusedPatterns(
  DEFAULT_JOIN_REFUSED_PATTERN_SOURCES,
);

export const DEFAULT_JOIN_REFUSAL: JoinRefusal = {
  patterns: DEFAULT_JOIN_REFUSED_PATTERNS,
  levels: LEVEL_SUBSTRINGS,
};

/** Whether `message` is a join refusal by `refusal`. */
export function isJoinRefusal(message: string, refusal: JoinRefusal): boolean {
  if (refusal.levels.length > 0 && !refusal.levels.some((level) => message.includes(level))) {
    return false;
  }
  return refusal.patterns.some((re) => re.test(message));
}

/**
 * The substrings at least one of which every line yielding a record other than a join refusal holds. They all
 * start with a capital letter on purpose: capitals are rare in log text, so a byte search for them runs several
 * times faster than for lower-case words (measured: 'User ' 2.5 ms against 'restart' 10 ms on 39 MB).
 */
export const RECORD_SUBSTRINGS: readonly string[] = ['Stats ', 'STATS:', 'User '];

/**
 * Substrings at least one of which every line yielding a record holds, with `refusal`: the record substrings and
 * the refusal's levels. Undefined when a refusal may be in any line (no levels): then a scanner reading by
 * substrings must use the level-line rule's wordings, or read every line.
 */
export function candidateSubstringsFor(refusal: JoinRefusal): readonly string[] | undefined {
  return refusal.levels.length > 0 ? [...RECORD_SUBSTRINGS, ...refusal.levels] : undefined;
}

/** Escapes of a regular expression that match one character class or position, and how many characters follow. */
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f', 'v', '0']);

/** Where the group or class opened at `open` (`(` or `[`) of `source` ends (the index after it), or -1. */
function skipBracketed(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') {
        inClass = false;
        if (depth === 0) {
          return i + 1;
        }
      }
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) {
        return i + 1;
      }
    }
  }
  return -1;
}

/**
 * The longest run of characters every match of the regular expression `source` must contain, in small letters; or
 * undefined when no such run can be told (an alternation at the top level: see requiredLiterals; only classes or
 * groups). Conservative:
 * groups, classes, escapes with a meaning, anchors and any character that is not printable ASCII end a run, and a
 * character followed by a quantifier is left out (it may be absent or repeated). ASCII only, so that a search in
 * any ASCII case finds exactly what the pattern's `i` flag (without `u`) matches, in bytes as in text.
 */
export function requiredLiteral(source: string): string | undefined {
  const runs: string[] = [];
  let run = '';
  const endRun = (): void => {
    if (run.length > 0) {
      runs.push(run);
    }
    run = '';
  };
  for (let i = 0; i < source.length; ) {
    const c = source[i] as string;
    if (c === '|') {
      return undefined;
    }
    if (c === '(' || c === '[') {
      const next = skipBracketed(source, i);
      if (next < 0) {
        return undefined;
      }
      endRun();
      i = next;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      // The atom before may be absent or repeated: it is no part of a run.
      run = run.slice(0, -1);
      endRun();
      const close = c === '{' ? source.indexOf('}', i) : -1;
      i = close > i ? close + 1 : i + 1;
      continue;
    }
    if (c === '\\') {
      const d = source[i + 1] ?? '';
      if (/[A-Za-z0-9]/.test(d) || d === '') {
        // \d, \b, \x41, \u0041, \cJ, \k<name>, \1: a class, a position, a character by its code or a reference.
        endRun();
        const extra = d === 'x' ? 2 : d === 'u' ? 4 : d === 'c' ? 1 : 0;
        const nameEnd = d === 'k' ? source.indexOf('>', i) : -1;
        i = nameEnd > i ? nameEnd + 1 : i + 2 + extra;
        if (!CLASS_ESCAPES.has(d) && /[1-9]/.test(d)) {
          while (/[0-9]/.test(source[i] ?? '')) {
            i++;
          }
        }
        continue;
      }
      run += d;
      i += 2;
      continue;
    }
    if (c === '.' || c === '^' || c === '$' || c === ')' || c === ']' || c === '}') {
      endRun();
      i++;
      continue;
    }
    const code = c.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) {
      endRun();
    } else {
      run += c;
    }
    i++;
  }
  endRun();
  let longest = '';
  for (const r of runs) {
    if (r.length > longest.length) {
      longest = r;
    }
  }
  return longest.length > 0 ? longest.toLowerCase() : undefined;
}

/** The branches of `source`'s top-level alternation (one when it has none); escapes, groups and classes kept whole. */
function topLevelBranches(source: string): string[] {
  const branches: string[] = [];
  let from = 0;
  for (let i = 0; i < source.length; ) {
    const c = source[i];
    if (c === '\\') {
      i += 2;
    } else if (c === '(' || c === '[') {
      const next = skipBracketed(source, i);
      i = next < 0 ? source.length : next;
    } else if (c === '|') {
      branches.push(source.slice(from, i));
      i++;
      from = i;
    } else {
      i++;
    }
  }
  branches.push(source.slice(from));
  return branches;
}

/**
 * Parts of the regular expression `source` one of which every match holds, in small letters: the required literal
 * of each branch of its top-level alternation (`refused|rejected`: both words). Undefined when one branch has none.
 */
export function requiredLiterals(source: string): string[] | undefined {
  const literals: string[] = [];
  for (const branch of topLevelBranches(source)) {
    const literal = requiredLiteral(branch);
    if (literal === undefined) {
      return undefined;
    }
    literals.push(literal);
  }
  return literals;
}

/**
 * What the refusal patterns say, in small letters: parts of each (requiredLiterals) one of which every match holds,
 * so a line holding none of them, in any case, cannot be a refusal. Undefined when one pattern has no such part, or
 * is not matched in any case (flag `i`, without `u`): then no line can be ruled out this way.
 */
export function refusalLiterals(patterns: readonly RegExp[]): readonly string[] | undefined {
  if (patterns.length > 32) {
    return undefined;
  }
  const literals: string[] = [];
  for (const re of patterns) {
    if (!re.flags.includes('i') || re.flags.includes('u') || re.flags.includes('v')) {
      return undefined;
    }
    const parts = requiredLiterals(re.source);
    if (parts === undefined) {
      return undefined;
    }
    for (const literal of parts) {
      if (!literals.includes(literal)) {
        literals.push(literal);
      }
    }
  }
  return literals;
}

/**
 * Which lines holding none of the record substrings are worth reading: those holding one of `levels` (matched as
 * they are; with none, every line counts as holding one) that also say one of `wordings` (small letters, matched
 * in any ASCII case) or hold `marker` (matched as it is, the head of `Stats `). Such a line can yield a record only as a join
 * refusal, or as a Web Bridge Stats line the strict `Stats ` substring missed (`Stats` followed by a tab, say).
 * analyze's scanner (adapters/logfiles/candidate-scanner.ts) and the daemon's listeners
 * (adapters/syslog/wanted-frames.ts) both keep to it.
 */
export interface LevelLineRule {
  readonly levels: readonly string[];
  readonly wordings: readonly string[];
  readonly marker: string;
}

/** The rule for `refusal`; undefined when its patterns' wordings cannot be told (then every level line is read). */
export function levelLineRuleFor(refusal: JoinRefusal): LevelLineRule | undefined {
  const wordings = refusalLiterals(refusal.patterns);
  return wordings ? { levels: refusal.levels, wordings, marker: 'Stats' } : undefined;
}

/** The rule for the default refusal. */
export const DEFAULT_LEVEL_LINE_RULE: LevelLineRule | undefined = levelLineRuleFor(DEFAULT_JOIN_REFUSAL);

/**
 * A join refusal as configuration gives it (`analysis.joinRefusedPatterns`, `analysis.joinRefusedLevels`): plain
 * strings, so that it can be handed to another thread as it is.
 */
export interface JoinRefusalSettings {
  readonly patterns: readonly string[];
  readonly levels: readonly string[];
}

export const DEFAULT_JOIN_REFUSAL_SETTINGS: JoinRefusalSettings = {
  patterns: DEFAULT_JOIN_REFUSED_PATTERN_SOURCES,
  levels: LEVEL_SUBSTRINGS,
};

/** Whether the settings are the defaults: the assumed wording at the assumed levels. */
export function isDefaultJoinRefusal(settings: JoinRefusalSettings): boolean {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    same(settings.patterns, DEFAULT_JOIN_REFUSAL_SETTINGS.patterns) &&
    same(settings.levels, DEFAULT_JOIN_REFUSAL_SETTINGS.levels)
  );
}

/** The refusal the settings describe (the default one for the default settings, so callers may compare). */
export function joinRefusalFrom(settings: JoinRefusalSettings): JoinRefusal {
  return isDefaultJoinRefusal(settings)
    ? DEFAULT_JOIN_REFUSAL
    : { patterns: compileJoinRefusedPatterns(settings.patterns), levels: [...settings.levels] };
}
