/**
 * The repository stands alone: no file points readers to notes outside it, and every relative link between the
 * docs (and from the README) leads to a file that exists.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      filesUnder(p, out);
    } else if (/\.(ts|mjs|md|json|wat|yml|yaml)$/.test(name)) {
      out.push(p);
    }
  }
  return out;
}

test('no file points to notes outside the repository', () => {
  // Built from parts so that this file does not match itself.
  const outside = new RegExp(['cms-reference', 'design', 'stack', 'style'].map((n) => `\\b${n}\\.md\\b`).join('|'));
  const shared = new RegExp(['\\.\\.', 'shared', ''].join('/'));
  const offenders = ['src', 'test', 'bench', 'prove', 'scripts', 'docs', 'README.md', '.ci']
    .filter((p) => existsSync(p))
    .flatMap((p) => (statSync(p).isDirectory() ? filesUnder(p) : [p]))
    .filter((f) => {
      const text = readFileSync(f, 'utf8');
      return outside.test(text) || shared.test(text);
    });
  assert.deepEqual(offenders, []);
});

test('every relative link in README.md and docs/ leads to a file that exists', () => {
  const pages = ['README.md', ...filesUnder('docs').filter((f) => f.endsWith('.md'))];
  const broken: string[] = [];
  for (const page of pages) {
    for (const m of readFileSync(page, 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1] as string;
      if (/^[a-z]+:/i.test(target)) {
        continue;
      }
      if (!existsSync(join(dirname(page), target))) {
        broken.push(`${page} → ${target}`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
