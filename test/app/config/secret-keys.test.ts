import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { configKeyRows } from '../../../src/app/config/docs.js';
import { parseConfig, secretEntries } from '../../../src/app/config/index.js';

test('every key the schema types as a secret is resolved at load time (none forgotten by the loader)', () => {
  const declared = configKeyRows()
    .filter((r) => r.type === 'secret reference')
    .map((r) => r.key)
    .sort();
  // The fixture sets every key of the schema, so every secret key appears in it at least once.
  const c = parseConfig(parse(readFileSync('test/fixtures/config/full.yaml', 'utf8')), { resolveSecrets: false });
  const resolved = [...new Set(secretEntries(c).map(([path]) => path.replace(/\.\d+(?=\.|$)/g, '[]')))].sort();
  assert.deepEqual(resolved, declared);
  assert.ok(declared.length >= 9, declared.join(', '));
});
