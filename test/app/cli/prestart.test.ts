/**
 * The CLI's early start of analyze's scan workers (app/cli/prestart.ts): `--jobs` read from the raw arguments as the
 * verb reads it, and nothing started for a value the verb refuses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobsAsked } from '../../../src/app/cli/prestart.js';

test('--jobs as the analyze verb reads it: the last one before --, either spelling; undefined when absent', () => {
  assert.equal(jobsAsked(['logs/', '--json']), undefined);
  assert.equal(jobsAsked(['--jobs', '2', 'logs/']), 2);
  assert.equal(jobsAsked(['--jobs=0', 'logs/']), 0);
  assert.equal(jobsAsked(['--jobs', '1', '--jobs', '3']), 3, 'the last one given');
  assert.equal(jobsAsked(['logs/', '--', '--jobs', '2']), undefined, 'past --, a path');
  assert.equal(jobsAsked(['--jobs', '64']), 64);
});

test('a --jobs value the verb refuses (its usage error follows) starts nothing', () => {
  for (const bad of [
    ['--jobs'],
    ['--jobs', 'x'],
    ['--jobs', '-1'],
    ['--jobs', '65'],
    ['--jobs=1e1'],
    ['--jobs', '2.0'],
  ]) {
    assert.equal(jobsAsked(bad), null, bad.join(' '));
  }
});
