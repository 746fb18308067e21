/**
 * @module sim/mmp/line-editor
 * What a terminal's line discipline does for the interactive MMP shell: echoes what is typed, erases on
 * backspace, ends a line on Enter (CR, LF or CR LF), abandons it on Ctrl-C and ends the session on Ctrl-D at an
 * empty line. Without a pty (`ssh -T`, scripts) nothing is echoed, as on a real MMP.
 */

export type LineEvent = { readonly kind: 'line'; readonly text: string } | { readonly kind: 'interrupt' | 'eof' };

export interface Edited {
  /** What to write back to the client (empty without echo). */
  readonly echo: string;
  readonly events: readonly LineEvent[];
}

const BACKSPACE = '\b';
const DELETE = '\x7f';
const CTRL_C = '\x03';
const CTRL_D = '\x04';

export class LineEditor {
  readonly #echo: boolean;
  #line = '';
  /** A CR was the last character: a LF right after it belongs to the same Enter. */
  #afterCr = false;

  constructor(echo: boolean) {
    this.#echo = echo;
  }

  feed(chunk: string): Edited {
    let echo = '';
    const events: LineEvent[] = [];
    for (const ch of chunk) {
      const afterCr = this.#afterCr;
      this.#afterCr = ch === '\r';
      if (ch === '\n' && afterCr) {
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        echo += '\r\n';
        events.push({ kind: 'line', text: this.#line });
        this.#line = '';
      } else if (ch === BACKSPACE || ch === DELETE) {
        if (this.#line.length > 0) {
          this.#line = [...this.#line].slice(0, -1).join('');
          echo += '\b \b';
        }
      } else if (ch === CTRL_C) {
        echo += '^C\r\n';
        this.#line = '';
        events.push({ kind: 'interrupt' });
      } else if (ch === CTRL_D) {
        if (this.#line.length === 0) {
          events.push({ kind: 'eof' });
        }
      } else if (ch >= ' ') {
        this.#line += ch;
        echo += ch;
      }
    }
    return { echo: this.#echo ? echo : '', events };
  }
}
