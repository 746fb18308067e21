import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeCmsVersion } from '../../src/core/cms-version.js';

test('which CMS versions are affected, and where Web Bridge 3 is the fix', () => {
  const v = (s: string) => {
    const j = judgeCmsVersion(s);
    return j ? [j.affected, j.webBridge3Available] : undefined;
  };
  assert.deepEqual(v('2.0(RC)'), [true, false]);
  assert.deepEqual(v('2.8.3'), [true, false]);
  assert.deepEqual(v('2.9.2'), [true, true]);
  assert.deepEqual(v('3.0.1'), [false, true]);
  assert.deepEqual(v('3.8'), [false, true]);
  assert.equal(v('unknown'), undefined);
  assert.match(judgeCmsVersion('2.9.2')?.advice ?? '', /Web Bridge 3/);
});
