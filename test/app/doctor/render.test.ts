/** The doctor's text: marks, indented output, fix lines, the count, and no control character from a server. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fail, ok, warn } from '../../../src/app/doctor/check.js';
import { renderChecks } from '../../../src/app/doctor/render.js';

test('one line a check, the output under it, a fix under each ✘, the count; escapes neutralised', () => {
  const text = renderChecks(
    [
      ok('mmp', 'cms1', '`webbridge` printed:\nStatus : running\u001b[2J'),
      warn('api', 'cms2', 'TLS NOT verified', 'give ca'),
      fail('syslog', 'cms3', 'nothing from cms3', 'syslog server add'),
    ],
    false,
  );
  assert.equal(
    text,
    [
      'mmp',
      '  ✔ cms1: `webbridge` printed:',
      '      | Status : running\\x1b[2J',
      '',
      'api',
      '  ! cms2: TLS NOT verified',
      '      fix: give ca',
      '',
      'syslog',
      '  ✘ cms3: nothing from cms3',
      '      fix: syslog server add',
      '',
      '1 ✔  1 !  1 ✘  (exit 1: fix each ✘ above)',
      '',
    ].join('\n'),
  );
});
