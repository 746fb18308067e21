import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printable, printableJson, printableLines } from '../../../src/core/text/printable.js';
import { RAW_CONTROL } from '../../helpers/raw-control.js';

test('control characters are shown as escapes, everything else is left alone', () => {
  assert.equal(printable('cms1\x1b]0;pwned\x07'), 'cms1\\x1b]0;pwned\\x07');
  assert.equal(printable('a\tb\r\nc'), 'a\\tb\\r\\nc');
  assert.equal(printable('\u009b2J\u0085'), '\\u009b2J\\u0085');
  assert.equal(printable('x\u202egnp.exe\u2066\u2028'), 'x\\u202egnp.exe\\u2066\\u2028');
  assert.equal(printable('\x00\x7f'), '\\x00\\x7f');
  const plain = 'cms1.example.com — Σ CMA ≥ 3 · Zürich C:\\logs';
  assert.equal(printable(plain), plain);
  for (let code = 0; code < 0x3000; code++) {
    assert.doesNotMatch(printable(String.fromCharCode(code)), RAW_CONTROL, `U+${code.toString(16)}`);
  }
});

test('printableLines keeps line breaks and escapes the rest; printableJson keeps the JSON value', () => {
  assert.equal(printableLines('one\x1b[2J\ntwo\r'), 'one\\x1b[2J\ntwo\\r');
  const value = { host: 'cms1\x1b]0;pwned\x07', msg: 'a\u009bb\u202ec\u2028d\x7f' };
  const line = `${JSON.stringify(value)}\n`;
  const shown = printableJson(line);
  assert.ok(shown.endsWith('}\n'));
  assert.doesNotMatch(shown.slice(0, -1), RAW_CONTROL);
  assert.deepEqual(JSON.parse(shown), value);
});
