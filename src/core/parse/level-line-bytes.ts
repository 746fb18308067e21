/**
 * @module core/parse/level-line-bytes
 * Rules out, from bytes, the lines a scanner found only by a level word (`ERROR`, `WARN`: cms-payloads.ts,
 * LEVEL_SUBSTRINGS) that the line reader would answer `ignored` for. In the field a fifth of a CMS log's lines can
 * be WARNING lines; each was decoded and went the general path (~1 µs a line) only to find no refusal in it.
 *
 * A line is ruled out only when `createLineReader().read()` is sure to ignore it: its envelope is readable (a
 * `<PRI>` or none, a BSD or ISO 8601 stamp, a host; or an RFC 5424 header without structured data), it is short
 * enough, and it holds no `Stats`, `STATS`, `User ` nor, in any case, any literal the refusal patterns look for
 * (`refusalLiterals`). Anything else — an odd stamp, structured data, a line this reader is unsure of — answers
 * "not ruled out" and goes the general way, which decides.
 * A BSD stamp is left on the reader: the caller resolves it, because the general path's year tracking
 * (December → January) sees every line it reads, and must see the same lines whichever path reads them.
 */
import {
  bsdStampEnd,
  byteAt,
  COLON,
  CR,
  DOT,
  digitAt,
  emptyStamp,
  SPACE,
  type StampFields,
  skipBlanks,
  TAB,
  tokenEndAt,
  twoDigitsAt,
} from './line-bytes.js';
import { validClock } from './timestamp.js';

const COMMA = 44;
const DASH = 45;
const LT = 60;
const GT = 62;
/** The general path refuses lines of over 64 Ki characters; a UTF-8 line of at most this many bytes is shorter. */
const MAX_BYTES = 64 * 1024;

/** Byte → the same byte with ASCII letters in lower case (what the `i` flag, without `u`, equates). */
const FOLD = new Uint8Array(256).map((_, b) => (b >= 65 && b <= 90 ? b + 32 : b));

/** Whether the line reader would ignore a line; 'bsd' when it would, and its BSD stamp is left on the reader. */
export type LevelLineAnswer = 'no' | 'bsd' | 'other';

export class LevelLineBytes {
  /** The literals, as folded bytes. */
  readonly #literals: Uint8Array[];
  /** Folded first byte → bit mask of the literals starting with it. */
  readonly #first = new Uint32Array(256);
  /** The BSD stamp of the last line answered 'bsd'. */
  readonly stamp: StampFields = emptyStamp();

  /** `literals`: refusalLiterals() of the reader's patterns (lower case, ASCII; at most 32). */
  constructor(literals: readonly string[]) {
    if (literals.length > 32) {
      throw new Error('LevelLineBytes: at most 32 literals');
    }
    this.#literals = literals.map((l) => Uint8Array.from(l, (c) => c.charCodeAt(0)));
    this.#literals.forEach((l, i) => {
      const f = l[0] as number;
      this.#first[f] = (this.#first[f] as number) | (1 << i);
    });
  }

  /**
   * 'bsd' or 'other' when the line `bytes[start, lineEnd)` (no newline) is one `read` ignores ('bsd': its stamp is
   * on `stamp`); 'no' when it may not be (the general path decides). `wordingsChecked`: the caller has made sure
   * the line holds no `Stats`, `STATS:`, `User ` and none of the literals in any case (a scanner searches them once
   * over a whole window), so only the envelope is read.
   */
  read(bytes: Uint8Array, start: number, lineEnd: number, wordingsChecked = false): LevelLineAnswer {
    let end = lineEnd;
    if (end > start && bytes[end - 1] === CR) {
      end--;
    }
    if (end - start > MAX_BYTES || end <= start) {
      return 'no';
    }
    let p = start;
    if (bytes[p] === LT) {
      p = this.#pri(bytes, p, end);
      if (p < 0) {
        return 'no';
      }
      if (isRfc5424(bytes, end, p)) {
        return rfc5424Readable(bytes, end, p) && (wordingsChecked || this.#saysNothing(bytes, start, end))
          ? 'other'
          : 'no';
      }
    } else if (bytes[p] === SPACE || bytes[p] === TAB) {
      return 'no';
    }
    p = skipBlanks(bytes, end, p);
    const first = byteAt(bytes, end, p);
    let bsd = false;
    if (first >= 48 && first <= 57) {
      p = isoStampEnd(bytes, end, p);
    } else {
      p = bsdStampEnd(bytes, end, p, start, this.stamp);
      bsd = true;
    }
    if (p < 0) {
      return 'no';
    }
    // The host: the first token, or the second after a facility.severity token. Two tokens are asked for, so that
    // which of the two it is does not matter (one lone token goes the general way).
    p = skipBlanks(bytes, end, p);
    let e = tokenEndAt(bytes, end, p);
    if (e === p) {
      return 'no';
    }
    p = skipBlanks(bytes, end, e);
    e = tokenEndAt(bytes, end, p);
    if (e === p) {
      return 'no';
    }
    if (!wordingsChecked && !this.#saysNothing(bytes, start, end)) {
      return 'no';
    }
    return bsd ? 'bsd' : 'other';
  }

  /** Where a `<PRI>` (as the general path reads it) ends, or -1 (also for RFC 5424, which goes the general way). */
  #pri(bytes: Uint8Array, start: number, end: number): number {
    let pri = 0;
    let p = start + 1;
    for (; p < end && p <= start + 4 && bytes[p] !== GT; p++) {
      const d = (bytes[p] as number) - 48;
      if (d < 0 || d > 9) {
        return -1;
      }
      pri = pri * 10 + d;
    }
    if (p >= end || bytes[p] !== GT || p < start + 2 || pri > 191) {
      return -1;
    }
    p++;
    // A version digit and a space but no token after them: the general path decides.
    const v = byteAt(bytes, end, p);
    const spaceAt = digitAt(bytes, end, p + 1) >= 0 ? p + 2 : p + 1;
    if (v >= 49 && v <= 57 && byteAt(bytes, end, spaceAt) === SPACE && !isRfc5424(bytes, end, p)) {
      return -1;
    }
    return p;
  }

  /** Whether the line holds no `Stats`, `STATS`, `User ` and, in any case, none of the literals. */
  #saysNothing(bytes: Uint8Array, start: number, end: number): boolean {
    const first = this.#first;
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      if (b === 83 /* S */) {
        const t = byteAt(bytes, end, i + 1);
        if (
          (t === 116 /* t */ || t === 84) /* T */ &&
          (byteAt(bytes, end, i + 2) | 32) === 97 /* a */ &&
          (byteAt(bytes, end, i + 3) | 32) === 116 /* t */ &&
          (byteAt(bytes, end, i + 4) | 32) === 115 /* s */
        ) {
          return false;
        }
      } else if (
        b === 85 /* U */ &&
        byteAt(bytes, end, i + 1) === 115 &&
        byteAt(bytes, end, i + 2) === 101 &&
        byteAt(bytes, end, i + 3) === 114 &&
        byteAt(bytes, end, i + 4) === SPACE
      ) {
        return false;
      }
      const mask = first[FOLD[b] as number] as number;
      if (mask !== 0 && this.#literalAt(bytes, i, end, mask)) {
        return false;
      }
    }
    return true;
  }

  /** Whether one of the literals of `mask` starts at `i`, case folded. */
  #literalAt(bytes: Uint8Array, i: number, end: number, mask: number): boolean {
    const literals = this.#literals;
    for (let k = 0; k < literals.length; k++) {
      if ((mask & (1 << k)) === 0) {
        continue;
      }
      const l = literals[k] as Uint8Array;
      if (i + l.length > end) {
        continue;
      }
      let j = 1;
      while (j < l.length && FOLD[bytes[i + j] as number] === l[j]) {
        j++;
      }
      if (j === l.length) {
        return true;
      }
    }
    return false;
  }
}

/**
 * Whether the line goes on as RFC 5424 after its `<PRI>` (parseEnvelope's `/^[1-9]\d? \S/`), with a printable ASCII
 * byte after the space (anything else is left to the general path by the caller).
 */
function isRfc5424(bytes: Uint8Array, end: number, p: number): boolean {
  const v = byteAt(bytes, end, p);
  const spaceAt = digitAt(bytes, end, p + 1) >= 0 ? p + 2 : p + 1;
  const next = byteAt(bytes, end, spaceAt + 1);
  return v >= 49 && v <= 57 && byteAt(bytes, end, spaceAt) === SPACE && next > 32 && next < 127;
}

/**
 * Whether readRfc5424 reads the header at `p` (the version): six tokens, the stamp `-` or an ISO stamp that is the
 * whole token, and no structured data (`-`, or the message straight away); a `[` goes the general way.
 */
function rfc5424Readable(bytes: Uint8Array, end: number, at: number): boolean {
  let p = at;
  for (let i = 0; i < 6; i++) {
    p = skipBlanks(bytes, end, p);
    const e = tokenEndAt(bytes, end, p);
    if (e === p) {
      return false;
    }
    if (i === 1 && !(e - p === 1 && bytes[p] === DASH) && isoStampEnd(bytes, e, p) !== e) {
      return false;
    }
    p = e;
  }
  return byteAt(bytes, end, skipBlanks(bytes, end, p)) !== 91 /* [ */;
}

/**
 * Mirrors readIsoStamp's pattern (`YYYY-MM-DD[T ]hh:mm:ss[.,fraction 1–9][Z|±hh[:]mm]` followed by a space or
 * the end, a valid clock): where the stamp at `p` ends, or -1. Its captures are fixed-width or greedy, and the
 * lookahead can only be met at the greedy end, so no backtracking is needed to read it the same way.
 */
function isoStampEnd(bytes: Uint8Array, end: number, at: number): number {
  for (let k = 0; k < 4; k++) {
    if (digitAt(bytes, end, at + k) < 0) {
      return -1;
    }
  }
  const month = byteAt(bytes, end, at + 4) === DASH ? twoDigitsAt(bytes, end, at + 5) : -1;
  const day = byteAt(bytes, end, at + 7) === DASH ? twoDigitsAt(bytes, end, at + 8) : -1;
  const t = byteAt(bytes, end, at + 10);
  if (month < 0 || day < 0 || (t !== 84 /* T */ && t !== SPACE)) {
    return -1;
  }
  const hour = twoDigitsAt(bytes, end, at + 11);
  const minute = byteAt(bytes, end, at + 13) === COLON ? twoDigitsAt(bytes, end, at + 14) : -1;
  const sec = byteAt(bytes, end, at + 16) === COLON ? twoDigitsAt(bytes, end, at + 17) : -1;
  if (hour < 0 || minute < 0 || sec < 0 || !validClock(month, day, hour, minute, sec)) {
    return -1;
  }
  let p = at + 19;
  const f = byteAt(bytes, end, p);
  if ((f === DOT || f === COMMA) && digitAt(bytes, end, p + 1) >= 0) {
    let digits = 0;
    while (digitAt(bytes, end, p + 1 + digits) >= 0) {
      digits++;
    }
    if (digits > 9) {
      return -1;
    }
    p += 1 + digits;
  }
  const z = byteAt(bytes, end, p);
  if (z === 90 /* Z */) {
    p++;
  } else if (z === 43 /* + */ || z === DASH) {
    if (twoDigitsAt(bytes, end, p + 1) < 0) {
      return -1;
    }
    p += 3;
    if (byteAt(bytes, end, p) === COLON) {
      p++;
    }
    if (twoDigitsAt(bytes, end, p) < 0) {
      return -1;
    }
    p += 2;
  }
  return p === end || byteAt(bytes, end, p) === SPACE ? p : -1;
}
