/**
 * The registry of error codes (`ERROR_CODES` in src/errors.ts) and docs/errors.md hold the same codes; every
 * registered code is raised somewhere in src/ (a code nothing raises is dead and must go from both).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, isErrorCode } from '../../src/errors.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('docs/errors.md documents exactly the registered codes', () => {
  const documented = [...readFileSync('docs/errors.md', 'utf8').matchAll(/^### (WBGUARD_ERR_[A-Z_]+)$/gm)].map(
    (m) => m[1] as string,
  );
  assert.deepEqual(
    documented.filter((c) => !isErrorCode(c)),
    [],
    'documented but not in ERROR_CODES',
  );
  assert.deepEqual(
    ERROR_CODES.filter((c) => !documented.includes(c)),
    [],
    'in ERROR_CODES but not documented',
  );
  assert.equal(new Set(documented).size, documented.length, 'a code documented twice');
});

/** Classes of src/errors.ts that always raise one code: `class X extends WbguardError { … super('CODE'`. */
function fixedCodeClasses(errorsTs: string): Map<string, string> {
  const found = errorsTs.matchAll(
    /export class (\w+) extends WbguardError \{((?:(?!\nexport class)[\s\S])*?)super\('(WBGUARD_ERR_[A-Z_]+)'/g,
  );
  return new Map([...found].map((m) => [m[3] as string, m[1] as string]));
}

test('every registered code is raised: named outside the registry, or its class is constructed', () => {
  const elsewhere = sources('src')
    .filter((file) => file !== join('src', 'errors.ts'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const classOf = fixedCodeClasses(readFileSync('src/errors.ts', 'utf8'));
  assert.ok(classOf.get('WBGUARD_ERR_USAGE') === 'UsageError', 'the class reader finds UsageError');
  const raised = (code: string) =>
    elsewhere.includes(`'${code}'`) || elsewhere.includes(`new ${classOf.get(code) ?? '\0'}(`);
  assert.deepEqual(
    ERROR_CODES.filter((c) => !raised(c)),
    [],
    'registered but never raised',
  );
});
