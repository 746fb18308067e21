/**
 * Lines of a generated corpus, buffered and written to a file a batch at a time (a write a line made corpora of
 * gigabytes slow to make). Each line is written followed by a newline.
 */
import { writeSync } from 'node:fs';

export class LineWriter {
  #lines: string[] = [];

  /** Writes to `fd` every `batch` lines, and at `flush`. */
  constructor(
    readonly fd: number,
    readonly batch = 20_000,
  ) {}

  add(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length >= this.batch) {
      this.flush();
    }
  }

  addAll(lines: readonly string[]): void {
    for (const line of lines) {
      this.add(line);
    }
  }

  /** Writes what is buffered (nothing when nothing is). */
  flush(): void {
    if (this.#lines.length > 0) {
      writeSync(this.fd, `${this.#lines.join('\n')}\n`);
      this.#lines = [];
    }
  }
}
