/**
 * @module core/text/printable
 * Text that came from logs or the network (host names, tags, messages, fields of an API answer) shown without its
 * control characters: each is written as an escape (`\x1b`, `\n`, `\u009b`) so that it is seen, not obeyed. A host
 * name holding `ESC ] 0 ; … BEL` would otherwise retitle the administrator's terminal, a message holding CR LF would
 * forge a second log line or e-mail header, and a right-to-left override would show a name backwards.
 *
 * Escaped: every C0 control (U+0000–U+001F, tab and newline included: in one field they are never layout), DEL,
 * every C1 control (U+0080–U+009F: some terminals obey U+009B as CSI), the line and paragraph separators
 * (U+2028, U+2029) and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069). Backslashes are
 * left as they are (Windows paths stay readable), so an escape shown cannot be told from the same characters typed
 * literally: the output is for reading, not for parsing back.
 */

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const ANY_UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const SHORT: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeOne(ch: string): string {
  const short = SHORT[ch];
  if (short) {
    return short;
  }
  const code = ch.charCodeAt(0);
  return code < 0x80 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/** `text` with every control character shown as an escape; text without any is returned as it is. */
export function printable(text: string): string {
  return ANY_UNPRINTABLE.test(text) ? text.replace(UNPRINTABLE, escapeOne) : text;
}

/** Each line of `text` made printable, its line breaks kept: for multi-line text built from untrusted parts. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * A JSON text with every control character inside its strings written as a JSON `\uXXXX` escape: the value is the
 * same for a JSON reader, the line holds nothing a terminal obeys. JSON.stringify already escapes C0 controls; it
 * leaves DEL, C1, the separators and the bidirectional controls raw. A raw line break ends the text and is kept.
 */
export function printableJson(json: string): string {
  return ANY_UNPRINTABLE.test(json)
    ? json.replace(UNPRINTABLE, (ch) => (ch === '\n' ? ch : `\\u${hex(ch.charCodeAt(0), 4)}`))
    : json;
}
