#!/usr/bin/env node
// Runs node:test over the .test.ts files below the given folders (default: test/).
// Node 20's runner neither finds .ts files nor expands globs, and with no files it "passes" having run nothing,
// so the list is built here and an empty list is an error.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'fixtures') {
        walk(p);
      }
    } else if (name.endsWith('.test.ts')) {
      files.push(p);
    }
  }
}
for (const root of roots.length ? roots : ['test']) {
  statSync(root).isDirectory() ? walk(root) : files.push(root);
}
if (files.length === 0) {
  console.error(`run-tests: no test files found under ${roots.join(', ') || 'test'}`);
  process.exit(1);
}
const concurrency = process.env.WBGUARD_TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...passThrough, ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
