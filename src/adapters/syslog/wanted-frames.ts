/**
 * @module adapters/syslog/wanted-frames
 * Tells, from its bytes, whether a message holds one of a few byte strings (the receiver's candidate substrings:
 * a message with none of them cannot carry anything it acts on), so that the others are counted and never decoded
 * or parsed. Most of a CMS node's messages are such chatter.
 *
 * How: the messages of one buffer come in order, so each substring is searched over the rest of the buffer at once
 * (Buffer.indexOf, a native search that skips ahead) and its next position kept; a message is wanted when one of
 * those positions lies wholly inside it. A search runs again only once a message starts past its last hit: the
 * number of searches is the number of hits plus one per substring per buffer, not one per message.
 */

import type { LevelLineRule } from '../../core/parse/index.js';

export class WantedFrames {
  readonly #needles: readonly Buffer[];
  /** Per needle, the position of its next occurrence at or after the last message's start (length: none). */
  readonly #next: number[];
  /** The least of #next, and the least end of those occurrences: most messages are answered by these two alone. */
  #firstNext = -1;
  #firstEnd = 0;
  #bytes: Uint8Array | undefined;
  #lastStart = 0;

  constructor(substrings: readonly string[]) {
    this.#needles = substrings.map((s) => Buffer.from(s, 'utf8'));
    this.#next = substrings.map(() => -1);
  }

  /**
   * Whether `bytes[start, end)` holds one of the substrings. Messages of one buffer are best asked in order; asking
   * for an earlier one, or another buffer, starts the searches again. The buffer's bytes must not change meanwhile.
   */
  has(bytes: Buffer, start: number, end: number): boolean {
    if (bytes !== this.#bytes || start < this.#lastStart) {
      this.#bytes = bytes;
      this.#next.fill(-1);
      this.#firstNext = -1;
    }
    this.#lastStart = start;
    if (this.#firstNext < start) {
      this.#searchFrom(bytes, start);
    }
    // Every occurrence kept starts at or after `start`: one lies wholly inside exactly when the earliest end does.
    return this.#firstEnd <= end;
  }

  /** Moves every needle whose kept occurrence lies before `start` to its next one, and the two least values. */
  #searchFrom(bytes: Buffer, start: number): void {
    const needles = this.#needles;
    const next = this.#next;
    let first = bytes.length;
    let firstEnd = bytes.length + 1;
    for (let k = 0; k < needles.length; k++) {
      const length = (needles[k] as Buffer).length;
      let at = next[k] as number;
      if (at < start) {
        at = bytes.indexOf(needles[k] as Buffer, start);
        at = at === -1 ? bytes.length : at;
        next[k] = at;
      }
      first = Math.min(first, at);
      firstEnd = Math.min(firstEnd, at === bytes.length ? bytes.length + 1 : at + length);
    }
    this.#firstNext = first;
    this.#firstEnd = firstEnd;
  }
}

/**
 * LevelLineRule (core/parse) over the messages of a buffer, asked in order as WantedFrames is: the rule analyze's
 * scanner keeps to (adapters/logfiles/candidate-scanner.ts). Why: in some CMS logs a fifth of
 * the lines are WARNING lines; reading each the general way (decoded, its envelope and payload parsed) cost more
 * than all the other messages together. The level word and the marker are searched over the buffer as `wanted` is;
 * only a message holding a level word and no marker is decoded (latin1) and asked for a wording, by one regular
 * expression with the `i` flag and without `u`, which folds exactly ASCII letters: an ASCII wording matches the
 * same bytes decoded as latin1 or as UTF-8. (Subarrays and `includes` per message cost ~0.45 µs; this ~0.2.)
 */
export class LevelLines {
  readonly #levels: WantedFrames;
  readonly #marker: WantedFrames;
  readonly #wordings: RegExp;
  readonly #anyLine: boolean;

  constructor(rule: LevelLineRule) {
    this.#anyLine = rule.levels.length === 0;
    this.#levels = new WantedFrames(rule.levels);
    this.#marker = new WantedFrames([rule.marker]);
    // No wording: nothing matches (an empty alternation would match every message).
    const alternatives = rule.wordings.map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    this.#wordings = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'i') : /(?!)/;
  }

  /**
   * Whether `bytes[start, end)` holds a level word and a wording or the marker (messages of a buffer in order); with
   * no level words (a refusal in any line), every message counts as holding one.
   */
  wanted(bytes: Buffer, start: number, end: number): boolean {
    if (!this.#anyLine && !this.#levels.has(bytes, start, end)) {
      return false;
    }
    return this.#marker.has(bytes, start, end) || this.#wordings.test(bytes.toString('latin1', start, end));
  }
}
