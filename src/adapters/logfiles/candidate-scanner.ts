/**
 * @module adapters/logfiles/candidate-scanner
 * Finds, in raw bytes, the few lines that can carry a CMS record, without turning every line into a string.
 * Offline CMS logs run to gigabytes of ordinary lines; only lines containing one of the candidate substrings
 * (core/parse `candidateSubstringsFor` the join refusal in force) are decoded and parsed — and of the lines found by
 * a level word alone (ERROR, WARN: a fifth of all lines in some CMS logs), only those that also say what a join
 * refusal says (`RefusalLineOptions`). Every other line is counted as read and not inspected, so `lines.malformed`
 * counts unreadable candidate lines only (documented in docs/analyze.md).
 *
 * How, and why so: bytes are read straight into one fixed window (a ByteWindow) and scanned where they lie. Each
 * substring is searched with Buffer.indexOf over the whole window at once (a native search that skips ahead), and
 * only around a hit are the line's bounds looked up: most lines are not candidates, so working line by line was
 * the waste. Newlines are counted by the window's SIMD kernel. The unfinished last line is moved to just before the
 * window's read area and the next bytes are read after it, so a line spanning two reads is never joined by copying.
 * The read area starts on a page boundary, like the file offsets read from: the kernel then copies from the page
 * cache about twice as fast as into a misaligned buffer (measured 0.08 against 0.18 s of system time per 1.55 GB).
 */
import type { LevelLineRule } from '../../core/parse/index.js';
import { type ByteWindow, createByteWindow, LINES_WITH_WORDS, MAX_WORD_BYTES, type Word } from './byte-window.js';
import type { StatsLineReader } from './stats-line-kernel.js';

/**
 * One window per size and kernel in each thread, shared by every scanner of that thread: a thread runs one scanner
 * at a time (reads and scans are synchronous), so a window per source only cost memory, 0.25–1.25 MiB each for
 * every source open at once (a merge keeps them all open: 200 long files gave 287 MB RSS). A scanner that finds its
 * window taken by another puts its unfinished last line back first (`#own`); the one that had it keeps a copy.
 */
interface SharedWindow {
  readonly window: ByteWindow;
  owner: CandidateScanner | undefined;
}

const sharedWindows = new Map<string, SharedWindow>();

function sharedWindow(size: number, kernel: 'wasm' | 'js' | undefined): SharedWindow {
  const key = `${kernel ?? 'wasm'}:${size}`;
  let shared = sharedWindows.get(key);
  if (!shared) {
    shared = { window: createByteWindow(size, kernel), owner: undefined };
    sharedWindows.set(key, shared);
  }
  return shared;
}

export interface ScanCounts {
  lines: number;
  candidates: number;
}

/**
 * Where a scanner hands its candidate lines. An object with methods rather than callbacks, on purpose: the scanner's
 * hot loop calls them for every candidate line, and a source's own closures made that call site see a new function
 * with each source, which V8 answered by throwing away the loop's optimised code (deoptimisation, "wrong call
 * target") and compiling it again; with one sink class for every source the call stays monomorphic.
 */
export interface CandidateSink {
  /**
   * Offered each candidate line as bytes (`bytes[start, end)`, no newline) before it is decoded: returns true when
   * it took the line, which is then not decoded nor handed to `line` (the common Stats line is read straight from
   * bytes: core/parse/stats-bytes.ts).
   */
  bytes(bytes: Uint8Array, start: number, end: number): boolean;
  /** A candidate line, decoded (UTF-8), without its newline. */
  line(line: string): void;
  /**
   * Called once for each candidate line longer than `maxLineBytes` when it ends. Such a line is not decoded: the
   * line reader refuses lines of over 64 KiB anyway, and a runaway line (binary junk) must not grow memory.
   */
  overlong(): void;
}

export interface CandidateScannerOptions {
  /** With a callback for lines (not a sink): called for each overlong candidate line (CandidateSink.overlong). */
  readonly onOverlongCandidate?: () => void;
  /**
   * Most bytes taken per read. @default 1 MiB: the kernel spent 0.03–0.04 s less per 1.55 GB than with 256 KiB reads
   * (system time, medians of 7 interleaved runs). It cost memory only while every source had a window of its own;
   * scanners of a thread now share one.
   */
  readonly chunkBytes?: number;
  /** Longest line held whole. @default 1 MiB */
  readonly maxLineBytes?: number;
  /** The newline counter: WebAssembly SIMD or plain JavaScript (tests run both). @default 'wasm' */
  readonly kernel?: 'wasm' | 'js';
  /**
   * Lines holding a level word are candidates only when they also say what a refusal says (or hold the marker);
   * with no level words, every line counts as holding one.
   */
  readonly refusals?: RefusalLineOptions;
  /**
   * Every line is a candidate (`substrings` are not searched): for a join refusal that may be in any line and whose
   * patterns have no wording to search for (core/parse join-refusal.ts). Slow, and rare.
   */
  readonly everyLine?: boolean;
}

/**
 * The level-line rule (core/parse LevelLineRule) as the scanner keeps it: the level words are not searched over the
 * input at all; the wordings are (in any case, by the window's WebAssembly SIMD loop, linesWith, through their
 * anchors: at most MAX_WORDS wordings with at most LINES_WITH_WORDS anchors, byte-window.ts), and the rare line
 * holding one is asked for a level word. `marker` is the head of a substring (`Stats` of `Stats `): that substring
 * is searched by its head, and a line holding the head but not the whole substring is a candidate when it holds a
 * level word.
 */
export type RefusalLineOptions = LevelLineRule;

/** Anchors shorter than this are not chosen (a short one is common in text): a shorter wording is its own anchor. */
const MIN_ANCHOR = 5;

/**
 * Parts of the wordings to search the input for, fewer than the wordings when some share one (`join ` is in `join
 * refused` and `unable to join meeting`, `session` in the two others): each SIMD pass costs per word searched over
 * every byte, and a line holding an anchor is then asked for the wordings themselves. Greedy: the part (of at least
 * MIN_ANCHOR characters) in most of the wordings not yet covered, the longest of those (the rarer in text).
 */
export function anchorsOf(wordings: readonly string[]): string[] {
  const uncovered = new Set(wordings);
  const anchors: string[] = [];
  while (uncovered.size > 0) {
    let best = { text: '', covers: [] as string[] };
    for (const w of uncovered) {
      if (w.length < MIN_ANCHOR && best.covers.length === 0) {
        best = { text: w, covers: [...uncovered].filter((u) => u.includes(w)) };
      }
      for (let length = MIN_ANCHOR; length <= w.length; length++) {
        for (let i = 0; i + length <= w.length; i++) {
          const text = w.slice(i, i + length);
          const covers = [...uncovered].filter((u) => u.includes(text));
          if (
            covers.length > best.covers.length ||
            (covers.length === best.covers.length && length > best.text.length)
          ) {
            best = { text, covers };
          }
        }
      }
    }
    anchors.push(best.text);
    for (const w of best.covers) {
      uncovered.delete(w);
    }
  }
  return anchors;
}

/**
 * Words in any case made from an array of wordings once per array (and kind): anchorsOf costs ~0.4 ms (once per
 * program, not once per source), and the window keeps a table per array of words (byte-window.ts), so every scanner
 * of a thread searching the same wordings shares theirs.
 */
const anchorWords = new WeakMap<readonly string[], Word[]>();
const wholeWords = new WeakMap<readonly string[], Word[]>();
function wordsOnce(
  cache: WeakMap<readonly string[], Word[]>,
  wordings: readonly string[],
  texts: (wordings: readonly string[]) => readonly string[],
): Word[] {
  let words = cache.get(wordings);
  if (!words) {
    words = texts(wordings).map((text) => ({ text, exact: false }));
    cache.set(wordings, words);
  }
  return words;
}
/** The anchors of `wordings` (their shared parts). */
const anchorWordsOf = (wordings: readonly string[]): Word[] => wordsOnce(anchorWords, wordings, anchorsOf);
/** The wordings themselves. */
const wholeWordsOf = (wordings: readonly string[]): Word[] => wordsOnce(wholeWords, wordings, (w) => w);

/**
 * Lines per MiB found by the wordings' shared parts past which a scanner searches the whole wordings instead. The
 * shared parts are common words (`session`): where one fills the log (12 % of the 2 GB mix's lines made to say
 * "websocket session"), every line holding it went from the kernel to JavaScript to be asked for a level word, ~0.3 µs
 * each (1.21–1.63 s against 0.89–1.05 s for the mix). The whole wordings cost a second pass over every window and,
 * by their first and last letters, close looks: ~0.13 ms a MiB of the plain mix (1.16–1.71 s against 0.90–1.05 s
 * searching them always), worth it past ~430 such lines a MiB (0.13 ms ÷ 0.3 µs); 500 to stay on the safe side.
 */
const WHOLE_WORDINGS_PAST = 500;

/** Which kinds of substring a piece of a line holds (bits), so that a line cut in pieces is judged whole. */
const HAS_RECORD = 1;
const HAS_LEVEL = 2;
const HAS_WORDING = 4;

function isCandidateMask(mask: number): boolean {
  return (mask & HAS_RECORD) !== 0 || (mask & (HAS_LEVEL | HAS_WORDING)) === (HAS_LEVEL | HAS_WORDING);
}

/** A substring searched over a window: by its `head` when it has a marker head, else whole. */
interface Needle {
  readonly whole: Buffer;
  readonly head: Buffer;
}

/** What a scanner searches for, made from its substrings and refusal rule. */
interface SearchParts {
  readonly refusals: RefusalLineOptions | undefined;
  readonly recordNeedles: Needle[];
  /**
   * The record needles as words for the window's linesWith (each searched whole, exactly), when linesWith takes them
   * all; undefined otherwise.
   */
  readonly recordWords: Word[] | undefined;
  /** The heads of the needles that have one (the refusal marker), as words for linesWith; empty when none has. */
  readonly headWords: Word[];
  readonly levelWords: Word[];
  readonly marker: Buffer | undefined;
  readonly straddle: number;
}

/**
 * The search parts of an array of substrings, made once per array (and refusal rule) rather than once per scanner:
 * analyze makes a scanner per source with the same arrays, and with thousands of sources open at once each kept its
 * own buffers and arrays (~1 KB a source).
 */
const searchParts = new WeakMap<readonly string[], SearchParts>();
function searchPartsOf(substrings: readonly string[], refusals: RefusalLineOptions | undefined): SearchParts {
  const known = searchParts.get(substrings);
  if (known && known.refusals === refusals) {
    return known;
  }
  const isLevel = (s: string) => refusals?.levels.includes(s) === true;
  const marker = refusals?.marker;
  const recordNeedles = substrings
    .filter((s) => !isLevel(s))
    .map((s) => {
      const whole = Buffer.from(s, 'latin1');
      return { whole, head: marker && s.startsWith(marker) ? Buffer.from(marker, 'latin1') : whole };
    });
  const heads = [...new Set(recordNeedles.filter((n) => n.head !== n.whole).map((n) => n.head.toString('latin1')))];
  const wordable =
    recordNeedles.length > 0 &&
    recordNeedles.length <= LINES_WITH_WORDS &&
    heads.length <= LINES_WITH_WORDS &&
    recordNeedles.every((n) => n.whole.length <= MAX_WORD_BYTES);
  const parts: SearchParts = {
    refusals,
    recordNeedles,
    recordWords: wordable ? recordNeedles.map((n) => ({ text: n.whole.toString('latin1'), exact: true })) : undefined,
    headWords: heads.map((text) => ({ text, exact: true })),
    levelWords: substrings.filter(isLevel).map((text) => ({ text, exact: true })),
    marker: marker === undefined ? undefined : Buffer.from(marker, 'latin1'),
    straddle: Math.max(0, ...[...substrings, ...(refusals?.wordings ?? [])].map((n) => n.length - 1)),
  };
  searchParts.set(substrings, parts);
  return parts;
}

/** A sink made of callbacks (tests, rare callers): the hot path of `analyze` gives a sink class of its own. */
class CallbackSink implements CandidateSink {
  readonly #onLine: (line: string) => void;
  readonly #onOverlong: (() => void) | undefined;

  constructor(onLine: (line: string) => void, options: CandidateScannerOptions) {
    this.#onLine = onLine;
    this.#onOverlong = options.onOverlongCandidate;
  }

  /** Takes no line as bytes: every candidate is decoded for `onLine`. */
  bytes(): boolean {
    return false;
  }

  line(line: string): void {
    this.#onLine(line);
  }

  overlong(): void {
    this.#onOverlong?.();
  }
}

const NEWLINE = 10;
/** Above any offset in a scanned region (a window is at most SPAN / 2): #recordLines' keys stay exact doubles. */
const SPAN = 2 ** 26;
const NO_LINES: number[] = [];
/**
 * A region holding a record line every this many bytes or fewer is dense (see #denseRecords). A CMS log has one in
 * 9 KB or so; a file of Stats lines only one in ~120 bytes.
 */
const DENSE_RECORD_BYTES = 1024;
const MIB = 1_048_576;
/**
 * WHOLE_WORDINGS_PAST per byte (exact: MIB is a power of two). Compared as lines > bytes × this, not as lines >
 * 500 × bytes ÷ MIB: past 4 MiB scanned that product left 32-bit integers, and each worker's optimised #scan was
 * thrown away and compiled again ("overflow").
 */
const WHOLE_WORDINGS_PER_BYTE = WHOLE_WORDINGS_PAST / MIB;
const PAGE = 4096;

export class CandidateScanner {
  /** The substrings searched natively over a window: all but the level words when refusals are given. */
  readonly #recordNeedles: Needle[];
  /** The same as words for linesWith, when it takes them (see #denseRecords), and their heads. */
  readonly #recordWords: Word[] | undefined;
  readonly #headWords: Word[];
  /**
   * The last region scanned held a record line every DENSE_RECORD_BYTES or less (a file of Stats lines only): the
   * next is searched by the window's kernel (linesWith), not by a `Buffer.indexOf` per hit and two more for its
   * line's ends.
   */
  #denseRecords = false;
  /** The level words (as they are), asked of the few lines holding a wording or the marker; empty without refusals. */
  readonly #levelWords: Word[];
  /** The refusal wordings (any case), asked of the lines holding an anchor; empty without refusals. */
  readonly #wordings: Word[];
  /** Parts of the wordings (any case), one in each, searched over a window by its kernel (linesWith). */
  #anchors: Word[];
  /**
   * The whole wordings, searched instead of their shared parts once those turn out common in this input (see
   * WHOLE_WORDINGS_PAST); undefined when they cannot be (more than linesWith takes) or the switch is made. (Where
   * the parts are the wordings already, a switch changes nothing but the array searched.)
   */
  #wholeWordings: Word[] | undefined;
  /** Bytes scanned, and lines found by the shared parts in them (for the switch to whole wordings). */
  #anchorBytes = 0;
  #anchorLines = 0;
  /** The marker's bytes (refusals only). */
  readonly #marker: Buffer | undefined;
  /** Bytes a substring could straddle when an overlong line's head is dropped. */
  readonly #straddle: number;
  readonly #sink: CandidateSink;
  readonly #everyLine: boolean;
  readonly #chunkBytes: number;
  readonly #maxLineBytes: number;
  readonly #shared: SharedWindow;
  readonly #window: ByteWindow;
  /** The unfinished last line while another scanner has the window. */
  #saved: Buffer | undefined;
  /** Where reads land (page-aligned); the unfinished last line lies just before it. */
  readonly #head: number;
  /** Bytes of the unfinished last line, kept at `[head − carry, head)`. */
  #carry = 0;
  /** The unfinished line grew past maxLineBytes: only its last few bytes are kept. */
  #overlong = false;
  /** What the dropped parts of the overlong line held (HAS_* bits). */
  #overlongMask = 0;
  readonly counts: ScanCounts = { lines: 0, candidates: 0 };

  /** `sink` receives the candidate lines; a callback for decoded lines is also taken (with the options' others). */
  constructor(
    substrings: readonly string[],
    sink: CandidateSink | ((line: string) => void),
    options: CandidateScannerOptions = {},
  ) {
    const refusals = options.refusals;
    const parts = searchPartsOf(substrings, refusals);
    this.#recordNeedles = parts.recordNeedles;
    this.#recordWords = parts.recordWords;
    this.#headWords = parts.headWords;
    this.#levelWords = parts.levelWords;
    this.#wordings = refusals ? wholeWordsOf(refusals.wordings) : [];
    this.#anchors = refusals ? anchorWordsOf(refusals.wordings) : [];
    this.#wholeWordings =
      this.#wordings.length > 0 && this.#wordings.length <= LINES_WITH_WORDS ? this.#wordings : undefined;
    this.#marker = parts.marker;
    this.#straddle = parts.straddle;
    this.#sink = typeof sink === 'function' ? new CallbackSink(sink, options) : sink;
    this.#everyLine = options.everyLine === true;
    this.#chunkBytes = options.chunkBytes ?? MIB;
    this.#maxLineBytes = Math.max(options.maxLineBytes ?? MIB, this.#straddle + 1);
    // Room before the read area for the longest carried line, and for what a chunk without a newline leaves.
    this.#head = Math.ceil(Math.max(this.#maxLineBytes, this.#chunkBytes) / PAGE) * PAGE;
    if (this.#head + this.#chunkBytes > SPAN / 2) {
      throw new Error(`CandidateScanner: chunkBytes and maxLineBytes of at most ${SPAN / 8} bytes`);
    }
    this.#shared = sharedWindow(this.#head + this.#chunkBytes, options.kernel);
    this.#window = this.#shared.window;
  }

  /** Takes the shared window: saves the previous owner's unfinished line, puts back this one's. */
  #own(): void {
    const shared = this.#shared;
    if (shared.owner === this) {
      return;
    }
    if (shared.owner) {
      shared.owner.#park();
    }
    shared.owner = this;
    if (this.#saved) {
      this.#saved.copy(this.#window.bytes, this.#head - this.#carry);
      this.#saved = undefined;
    }
  }

  #park(): void {
    if (this.#carry > 0) {
      this.#saved = Buffer.from(this.#window.bytes.subarray(this.#head - this.#carry, this.#head));
    }
  }

  /** Which newline counter this scanner got ('js' where WebAssembly SIMD is unavailable). */
  get kernel(): 'wasm' | 'js' {
    return this.#window.kind;
  }

  /**
   * A WebAssembly reader of Stats lines in this scanner's window (the lines handed to the sink's `bytes` lie there),
   * or undefined (JavaScript windows, or every slot taken). The caller releases it when the source is done.
   */
  statsLineReader(): StatsLineReader | undefined {
    return this.#window.statsLines?.reader();
  }

  /** Most bytes `space()` offers. */
  get chunkBytes(): number {
    return this.#chunkBytes;
  }

  /** Where the next bytes go (at most chunkBytes): read into it, then call `commit` with the count. */
  space(): Buffer {
    this.#own();
    return this.#window.bytes.subarray(this.#head, this.#head + this.#chunkBytes);
  }

  /** Scans the `n` bytes just written at the start of `space()`. */
  commit(n: number): void {
    if (n <= 0) {
      return;
    }
    if (this.#shared.owner !== this) {
      throw new Error('CandidateScanner: commit() without space() first');
    }
    const bytes = this.#window.bytes;
    const head = this.#head;
    const start = head - this.#carry;
    const end = head + n;
    // The carried bytes hold no newline, so the last one (if any) is among the new bytes.
    const lastNl = bytes.lastIndexOf(NEWLINE, end - 1);
    if (lastNl < head) {
      if (this.#carry + n > this.#maxLineBytes) {
        this.#dropOverlongHead(start, end);
      } else {
        this.#carry += n;
        bytes.copyWithin(head - this.#carry, start, end);
      }
      return;
    }
    let from = start;
    if (this.#overlong) {
      const firstNl = bytes.indexOf(NEWLINE, head);
      this.#endOverlong(start, firstNl);
      from = firstNl + 1;
    }
    this.counts.lines += this.#window.count(start, lastNl + 1, NEWLINE);
    this.#scan(from, lastNl + 1);
    this.#carry = end - (lastNl + 1);
    if (this.#carry > 0) {
      bytes.copyWithin(head - this.#carry, lastNl + 1, end);
    }
  }

  /** Copies a chunk in and scans it (for streams: gzip, tar entries, stdin). */
  push(chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length; ) {
      const space = this.space();
      const n = Math.min(space.length, chunk.length - at);
      space.set(chunk.subarray(at, at + n));
      at += n;
      this.commit(n);
    }
  }

  /** Ends the input: a last line without a newline still counts. */
  end(): void {
    this.#own();
    const start = this.#head - this.#carry;
    if (this.#overlong) {
      this.#endOverlong(start, this.#head);
      this.counts.lines++;
    } else if (this.#carry > 0) {
      this.counts.lines++;
      if (isCandidateMask(this.#maskOf(start, this.#head))) {
        this.counts.candidates++;
        this.#handOn(start, this.#head);
      }
    }
    this.#carry = 0;
    this.#shared.owner = undefined;
  }

  /** The unfinished line outgrew maxLineBytes: note what it holds, keep only its last bytes. */
  #dropOverlongHead(start: number, end: number): void {
    this.#overlongMask |= this.#maskOf(start, end);
    this.#window.bytes.copyWithin(this.#head - this.#straddle, end - this.#straddle, end);
    this.#carry = this.#straddle;
    this.#overlong = true;
  }

  /** The overlong line, carried from `start`, ends at `lineEnd` (exclusive); its newline is counted with the others. */
  #endOverlong(start: number, lineEnd: number): void {
    if (isCandidateMask(this.#overlongMask | this.#maskOf(start, lineEnd))) {
      this.counts.candidates++;
      this.#sink.overlong();
    }
    this.#overlong = false;
    this.#overlongMask = 0;
  }

  /**
   * What `[start, end)` of the window holds (HAS_* bits), looked for one kind after the other. Without level words
   * (a refusal in any line) every line counts as holding one.
   */
  #maskOf(start: number, end: number): number {
    if (this.#everyLine) {
      return HAS_RECORD;
    }
    const range = this.#window.bytes.subarray(start, end);
    let mask = this.#recordNeedles.some((n) => range.includes(n.whole)) ? HAS_RECORD : 0;
    if (this.#holdsLevel(start, end)) {
      mask |= HAS_LEVEL;
    }
    if (
      (this.#marker !== undefined && range.includes(this.#marker)) ||
      (this.#wordings.length > 0 && this.#window.saysAny(start, end, this.#wordings))
    ) {
      mask |= HAS_WORDING;
    }
    return mask;
  }

  /**
   * The record lines of `region` (at `start` of the window), in order, as [line start, offset of its newline, …]
   * (window offsets), a `Buffer.indexOf` per hit: a line's end, found when skipping the line, need not be looked for
   * again. Hits of several needles are sorted as one number a line (line start × SPAN + line end).
   */
  #recordLines(region: Buffer, start: number): number[] {
    const keys: number[] = [];
    for (const needle of this.#recordNeedles) {
      let at = region.indexOf(needle.head);
      while (at !== -1) {
        const lineEnd = region.indexOf(NEWLINE, at);
        const lineStart = region.lastIndexOf(NEWLINE, at) + 1;
        if (needle.head === needle.whole || this.#holdsWhole(region, needle, at, lineStart, lineEnd, start)) {
          keys.push(lineStart * SPAN + lineEnd);
        }
        // Skip the rest of this line: one hit per line is enough.
        at = region.indexOf(needle.head, lineEnd + 1);
      }
    }
    if (this.#recordNeedles.length > 1) {
      keys.sort((a, b) => a - b);
    }
    const lines = new Array<number>(2 * keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as number;
      const lineEnd = key % SPAN;
      lines[2 * i] = start + (key - lineEnd) / SPAN;
      lines[2 * i + 1] = start + lineEnd;
    }
    return lines;
  }

  /**
   * The same lines, found by the window's kernel: those holding a whole needle, and those holding a needle's head
   * (the refusal marker) and a level word (as #holdsWhole decides). In order, as the kernel gives them.
   */
  #recordLinesDense(start: number, end: number): readonly number[] {
    const whole = this.#window.linesWith(start, end, this.#recordWords as Word[]);
    return this.#headWords.length > 0 ? this.#withHeadLines(whole, start, end) : whole;
  }

  /**
   * `whole` (the lines of `[start, end)` holding a whole needle, in order) with the lines between them that hold a
   * needle's head and a level word. Only the stretches between found lines are searched for a head, and only a stretch
   * holding one is asked for its lines: where every line is a record (a file of Stats lines), a pass of the kernel for
   * the heads handed every line over a second time to be merged away (~6 % of such a run), and there is no stretch.
   */
  #withHeadLines(whole: readonly number[], start: number, end: number): readonly number[] {
    const window = this.#window;
    let merged: number[] | undefined;
    let gapStart = start;
    for (let i = 0; i <= whole.length; i += 2) {
      const gapEnd = i < whole.length ? (whole[i] as number) : end;
      if (gapEnd > gapStart && window.saysAny(gapStart, gapEnd, this.#headWords)) {
        const heads = window.linesWith(gapStart, gapEnd, this.#headWords);
        for (let j = 0; j < heads.length; j += 2) {
          const from = heads[j] as number;
          const to = heads[j + 1] as number;
          if (this.#holdsLevel(from, to)) {
            merged ??= whole.slice(0, i);
            merged.push(from, to);
          }
        }
      }
      if (i < whole.length) {
        merged?.push(whole[i] as number, whole[i + 1] as number);
        gapStart = (whole[i + 1] as number) + 1;
      }
    }
    return merged ?? whole;
  }

  /** Hands on each candidate line of `[start, end)`, which holds whole lines (it ends with a newline). */
  #scan(start: number, end: number): void {
    if (this.#everyLine) {
      this.#scanEveryLine(start, end);
      return;
    }
    const region = this.#window.bytes.subarray(start, end);
    // The candidate lines found by a record substring, in order: [line start, offset of its newline, …].
    const records = this.#denseRecords ? this.#recordLinesDense(start, end) : this.#recordLines(region, start);
    this.#denseRecords = this.#recordWords !== undefined && (records.length / 2) * DENSE_RECORD_BYTES >= end - start;
    // The lines saying what a refusal says, in order, found by the window's kernel in one call: [start, end, …]
    // (window offsets). Candidates only with a level word. Merged with the others by line start.
    const worded = this.#anchors.length > 0 ? this.#window.linesWith(start, end, this.#anchors) : NO_LINES;
    if (this.#wholeWordings) {
      this.#noteAnchorLines(end - start, worded.length / 2);
    }
    let previous = -1;
    let i = 0;
    let j = 0;
    while (i < records.length || j < worded.length) {
      const recordStart = records[i] ?? Number.POSITIVE_INFINITY;
      const wordedStart = worded[j] ?? Number.POSITIVE_INFINITY;
      let from: number;
      let to: number;
      let byAnchor = false;
      if (recordStart <= wordedStart) {
        from = recordStart;
        to = records[i + 1] as number;
        i += 2;
      } else {
        from = wordedStart;
        to = worded[j + 1] as number;
        j += 2;
        byAnchor = true;
      }
      if (from === previous) {
        continue;
      }
      // Found by an anchor alone: a candidate when it holds a whole wording and a level word (if there are any).
      if (byAnchor && (!this.#holdsLevel(from, to) || !this.#window.saysAny(from, to, this.#wordings))) {
        continue;
      }
      previous = from;
      this.counts.candidates++;
      this.#handOn(from, to);
    }
  }

  /**
   * Counts the lines the shared parts found; past WHOLE_WORDINGS_PAST of them per MiB, from the first MiB on, this
   * scanner searches the whole wordings instead (the same candidates either way: a line is asked for a whole wording
   * and a level word after it is found).
   */
  #noteAnchorLines(bytes: number, lines: number): void {
    this.#anchorBytes += bytes;
    this.#anchorLines += lines;
    if (this.#anchorBytes >= MIB && this.#anchorLines > this.#anchorBytes * WHOLE_WORDINGS_PER_BYTE) {
      this.#anchors = this.#wholeWordings as Word[];
      this.#wholeWordings = undefined;
    }
  }

  /** The parts of the refusal wordings this scanner searches now (tests, diagnostics). */
  get searchedParts(): readonly string[] {
    return this.#anchors.map((a) => a.text);
  }

  /** Hands on every line of `[start, end)` (whole lines). */
  #scanEveryLine(start: number, end: number): void {
    const bytes = this.#window.bytes;
    for (let from = start; from < end; ) {
      const to = bytes.indexOf(NEWLINE, from);
      this.counts.candidates++;
      this.#handOn(from, to);
      from = to + 1;
    }
  }

  /**
   * A hit of `needle`'s marker head at `at` not followed by the rest of it: whether the line is a candidate all the
   * same — the whole substring later in it, or a level word (a `Stats` the strict substring missed, at ERROR/WARN
   * level, is read by the general path, as every level line once was).
   */
  #holdsWhole(region: Buffer, needle: Needle, at: number, lineStart: number, lineEnd: number, start: number): boolean {
    const whole = needle.whole;
    let k = needle.head.length;
    while (k < whole.length && region[at + k] === whole[k]) {
      k++;
    }
    if (k === whole.length) {
      return true;
    }
    // Searched in this line only: over the rest of the window, a log whose lines often hold the head alone
    // (`Statsd`, say) would be searched to the window's end once per such line.
    if (region.subarray(at + 1, lineEnd).includes(whole)) {
      return true;
    }
    return this.#holdsLevel(start + lineStart, start + lineEnd);
  }

  /** Whether `[from, to)` of the window holds a level word; with none (a refusal in any line), every line does. */
  #holdsLevel(from: number, to: number): boolean {
    return this.#levelWords.length === 0 || this.#window.saysAny(from, to, this.#levelWords);
  }

  /** Hands on the candidate line `[from, to)` of the window: as bytes if taken so, else decoded. */
  #handOn(from: number, to: number): void {
    const bytes = this.#window.bytes;
    if (!this.#sink.bytes(bytes, from, to)) {
      this.#sink.line(bytes.toString('utf8', from, to));
    }
  }
}
