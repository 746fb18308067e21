/**
 * @module adapters/logfiles/candidate-scanner
 * Finds, in raw bytes, the few lines that can carry a CMS record, without turning every line into a string.
 * Offline CMS logs run to gigabytes of ordinary lines; only lines containing one of the candidate substrings
 * (`CANDIDATE_SUBSTRINGS` of core/parse) are decoded and parsed. Every other line is counted as read and not
 * inspected, so `lines.malformed` counts unreadable candidate lines only (documented in docs/analyze.md).
 * The substrings are searched with Buffer.indexOf (native memmem-like search), and newlines are counted with it too.
 */

export interface ScanCounts {
  lines: number;
  candidates: number;
}

export class CandidateScanner {
  readonly #needles: Buffer[];
  readonly #onLine: (line: string) => void;
  #carry: Buffer | undefined;
  readonly counts: ScanCounts = { lines: 0, candidates: 0 };

  constructor(substrings: readonly string[], onCandidateLine: (line: string) => void) {
    this.#needles = substrings.map((s) => Buffer.from(s, 'latin1'));
    this.#onLine = onCandidateLine;
  }

  /**
   * Feeds the next chunk; complete lines in it are scanned in place, a trailing partial line is kept (copied) for
   * the next chunk. Only the one line that straddles two chunks is ever copied: concatenating whole chunks
   * cost a copy of the input and most of the garbage collection time.
   */
  push(chunk: Buffer): void {
    let from = 0;
    if (this.#carry) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.#carry = Buffer.concat([this.#carry, chunk]);
        this.#capCarry();
        return;
      }
      const joined = Buffer.concat([this.#carry, chunk.subarray(0, nl + 1)]);
      this.#carry = undefined;
      this.#scan(joined);
      from = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl < from) {
      this.#carry = Buffer.from(chunk.subarray(from));
      this.#capCarry();
      return;
    }
    if (lastNl + 1 < chunk.length) {
      this.#carry = Buffer.from(chunk.subarray(lastNl + 1));
    }
    this.#scan(chunk.subarray(from, lastNl + 1));
  }

  /** Flushes a last line without a newline. */
  end(): void {
    if (this.#carry && this.#carry.length > 0) {
      const tail = this.#carry;
      this.#carry = undefined;
      this.#scan(Buffer.concat([tail, Buffer.from('\n')]));
    }
  }

  /** A runaway line without newlines (binary junk) must not grow without bound: keep only its last megabyte. */
  #capCarry(): void {
    if (this.#carry && this.#carry.length > 1_048_576) {
      this.#carry = Buffer.from(this.#carry.subarray(this.#carry.length - 1_048_576));
    }
  }

  #scan(buf: Buffer): void {
    let n = 0;
    for (let p = buf.indexOf(10); p !== -1; p = buf.indexOf(10, p + 1)) {
      n++;
    }
    this.counts.lines += n;
    // Collect the start offsets of candidate lines, each once, in order.
    const starts: number[] = [];
    for (const needle of this.#needles) {
      let at = buf.indexOf(needle);
      while (at !== -1) {
        const start = buf.lastIndexOf(10, at) + 1;
        starts.push(start);
        const end = buf.indexOf(10, at);
        at = buf.indexOf(needle, end + 1);
      }
    }
    if (starts.length === 0) {
      return;
    }
    if (this.#needles.length > 1) {
      starts.sort((a, b) => a - b);
    }
    let previous = -1;
    for (const start of starts) {
      if (start === previous) {
        continue;
      }
      previous = start;
      const end = buf.indexOf(10, start);
      this.counts.candidates++;
      this.#onLine(buf.toString('utf8', start, end));
    }
  }
}
