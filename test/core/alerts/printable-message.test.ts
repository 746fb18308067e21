/** A notice built from a host name or message holding control characters carries them escaped in every shape. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertNotice } from '../../../src/core/alerts/index.js';
import { noticeJson, noticeMarkdown, noticeText, noticeTitle } from '../../../src/core/alerts/message.js';
import { linesWithRawControl, RAW_CONTROL } from '../../helpers/raw-control.js';

const evil = 'cms1\x1b]0;pwned\x07\r\nBcc: someone@example.com\u009b2J';
const notice: AlertNotice = {
  kind: 'firing',
  at: Date.UTC(2026, 0, 1),
  since: Date.UTC(2026, 0, 1),
  condition: {
    key: `quiet:paris:${evil}`,
    event: 'quiet',
    cluster: 'paris\u202e',
    subject: evil,
    severity: 'warning',
    summary: `${evil} sent no Stats for 10 min`,
    facts: { host: evil, minutes: 10, stale: true, last: null },
  },
};

test('title, text, Markdown and JSON hold no raw control character', () => {
  assert.doesNotMatch(noticeTitle(notice), RAW_CONTROL);
  assert.match(noticeTitle(notice), /cms1\\x1b\]0;pwned\\x07\\r\\nBcc: someone@example\.com\\u009b2J/);
  // Text and Markdown are multi-line by design: their own line breaks stay, none comes from the data.
  for (const shape of [noticeText(notice), noticeMarkdown(notice)]) {
    assert.deepEqual(linesWithRawControl(shape), []);
    assert.ok(!shape.includes('\nBcc:'), 'no forged line');
  }
  assert.equal(noticeText(notice).split('\n').length, 4);
  const json = noticeJson(notice);
  assert.doesNotMatch(JSON.stringify(json), RAW_CONTROL);
  assert.doesNotMatch(String(json.subject), RAW_CONTROL);
  assert.equal((json.facts as Record<string, unknown>).minutes, 10, 'numbers untouched');
  assert.equal((json.facts as Record<string, unknown>).last, null);
});
