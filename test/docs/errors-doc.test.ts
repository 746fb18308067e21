/** Every error code used in src/ has a section in docs/errors.md, and every documented code is used. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('docs/errors.md and the codes in src/ match', () => {
  const used = new Set<string>();
  for (const file of sources('src')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'(WBGUARD_ERR_[A-Z_]+)'/g)) {
      used.add(m[1] as string);
    }
  }
  const documented = new Set(
    [...readFileSync('docs/errors.md', 'utf8').matchAll(/^### (WBGUARD_ERR_[A-Z_]+)$/gm)].map((m) => m[1] as string),
  );
  assert.deepEqual([...used].filter((c) => !documented.has(c)).sort(), [], 'codes used but not documented');
  assert.deepEqual([...documented].filter((c) => !used.has(c)).sort(), [], 'codes documented but never used');
  assert.ok(used.size >= 10);
});
