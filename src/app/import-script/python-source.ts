/**
 * @module app/import-script/python-source
 * Just enough of Python's lexical rules to read the literals of a small script without running it: comments and
 * docstrings removed (so a commented-out inventory is not read), string literals and bracketed expressions taken as
 * whole tokens wherever their quotes, spacing, commas and line breaks fall.
 */

/** The source with `# comments` and triple-quoted strings blanked out; other strings are kept as they are. */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    const triple = src.slice(i, i + 3);
    if (triple === '"""' || triple === "'''") {
      const end = src.indexOf(triple, i + 3);
      const stop = end < 0 ? src.length : end + 3;
      // Keep the line breaks, so positions in later messages still count lines the same way.
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === '"' || c === "'") {
      const stop = endOfString(src, i);
      out += src.slice(i, stop);
      i = stop;
    } else if (c === '#') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the string literal that opens at `start` (single-line, backslash escapes). */
function endOfString(src: string, start: number): number {
  const quote = src[start];
  let i = start + 1;
  while (i < src.length && src[i] !== quote && src[i] !== '\n') {
    i += src[i] === '\\' ? 2 : 1;
  }
  return Math.min(i + 1, src.length);
}

/** The text between the bracket at `open` and its partner, or undefined when it is never closed. */
export function bracketed(src: string, open: number): string | undefined {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  let i = open;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '"' || c === "'") {
      i = endOfString(src, i);
      continue;
    }
    if (pairs[c]) {
      stack.push(pairs[c] as string);
    } else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) {
        return src.slice(open + 1, i);
      }
    }
    i++;
  }
  return undefined;
}

/** Splits on top-level commas; empty parts (a trailing comma) are dropped. */
export function splitTopLevel(src: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '"' || c === "'") {
      i = endOfString(src, i);
      continue;
    }
    if ('{[('.includes(c)) {
      depth++;
    } else if ('}])'.includes(c)) {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(src.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  parts.push(src.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** The value of a plain string literal (`"x"`, `'x'`, with an optional r/u prefix), else undefined. */
export function stringLiteral(token: string): string | undefined {
  const m = /^[rRuU]?(["'])(.*)\1$/s.exec(token.trim());
  return m ? (m[2] as string).replace(/\\(["'\\])/g, '$1') : undefined;
}

/** The index just after `name = ` for the first assignment to `name` at the start of a line, else -1. */
export function assignment(src: string, name: string): number {
  const m = new RegExp(`^[ \\t]*${name}[ \\t]*=(?!=)[ \\t]*`, 'm').exec(src);
  return m ? m.index + m[0].length : -1;
}
