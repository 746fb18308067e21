/** The layers of src/ are kept: run over every source file, and shown to catch each kind of crossing. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importsOf, resolveImport, violations } from './layers-rules.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p.split('\\').join('/')] : [];
  });
}

test('no file of src/ crosses a layer', () => {
  const graph = new Map(sources('src').map((file) => [file, importsOf(readFileSync(file, 'utf8'))]));
  assert.ok(graph.size > 100, 'the sources were found');
  assert.ok(
    [...graph.values()].flat().length > 500,
    'imports were read (an empty graph would pass without checking anything)',
  );
  const found = violations(graph).map((v) => `${v.from} → ${v.to}: ${v.why}`);
  assert.deepEqual(found, []);
});

test('the checker catches every kind of crossing, and lets the allowed ones through', () => {
  const graph = new Map<string, string[]>([
    ['src/core/policy/a.ts', ['./b.js', '../model.js', '../../app/daemon/x.js', 'node:fs', 'zod']],
    ['src/core/text/t.ts', ['../../ports/logger.js']],
    ['src/ports/p.ts', ['../core/model.js', '../errors.js', '../adapters/store/s.js']],
    ['src/adapters/ssh/c.ts', ['./k.js', '../../core/model.js', '../../ports/mmp.js', '../../errors.js', 'ssh2']],
    ['src/adapters/ssh/d.ts', ['../../app/restart/x.js', '../store/sqlite-store.js', '../../sim/run.js']],
    ['src/sim/mmp/i.ts', ['../types.js', '../../ports/logger.js', '../../errors.js', 'ssh2', 'node:net']],
    ['src/sim/mmp/j.ts', ['../../core/parse/index.js', '../../adapters/ssh/c.js', '../../app/config/index.js']],
    ['src/sim/mmp/k.ts', ['../../ports/mmp.js', '../../log.js']],
    ['src/app/x.ts', ['../core/model.js', '../adapters/ssh/c.js', '../sim/run.js', 'hono']],
  ]);
  const found = violations(graph).map((v) => `${v.from} → ${v.to}`);
  assert.deepEqual(found, [
    'src/core/policy/a.ts → src/app/daemon/x.ts',
    'src/core/policy/a.ts → node:fs',
    'src/core/policy/a.ts → zod',
    'src/core/text/t.ts → src/ports/logger.ts',
    'src/ports/p.ts → src/adapters/store/s.ts',
    'src/adapters/ssh/d.ts → src/app/restart/x.ts',
    'src/adapters/ssh/d.ts → src/adapters/store/sqlite-store.ts',
    'src/adapters/ssh/d.ts → src/sim/run.ts',
    'src/sim/mmp/j.ts → src/core/parse/index.ts',
    'src/sim/mmp/j.ts → src/adapters/ssh/c.ts',
    'src/sim/mmp/j.ts → src/app/config/index.ts',
    'src/sim/mmp/k.ts → src/ports/mmp.ts',
    'src/sim/mmp/k.ts → src/log.ts',
  ]);
});

test('imports are read in every form, comments aside', () => {
  const text = [
    "import { a } from './a.js';",
    "import type {\n  B,\n} from '../b.js';",
    "export { c } from './c.js';",
    "import './side-effect.js';",
    "const d = await import('../../d.js');",
    "new Worker(new URL('./worker.js', import.meta.url));",
    "// import { e } from './commented.js';",
    "/* import { f } from './block.js'; */",
  ].join('\n');
  assert.deepEqual(importsOf(text).sort(), [
    '../../d.js',
    '../b.js',
    './a.js',
    './c.js',
    './side-effect.js',
    './worker.js',
  ]);
  assert.equal(resolveImport('src/app/http/server.ts', '../../core/model.js'), 'src/core/model.ts');
  assert.equal(resolveImport('src/app/http/server.ts', 'node:crypto'), 'node:crypto');
});
