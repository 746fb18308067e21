/**
 * `npm run build` (after tsc): bundles the compiled CLI into dist/bundle/, the directory the package's `wbguard`
 * runs from (package.json `bin`).
 *
 * Why: every `wbguard` run loaded ~60 modules of its own one by one (`analyze` alone: 58), and Node's ESM loader
 * resolved, read and linked each in turn. Bundled, `wbguard analyze` on a small file started ~30 ms sooner (median of
 * 21 alternated runs: 146 against 178 ms, Node's own start 87 ms): a tenth of a 150 MB analysis (docs/benchmarks.md).
 *
 * How, and why so:
 * - Only wbguard's own code is bundled, and commander; the other npm packages stay imports, resolved from
 *   node_modules as before: native addons (better-sqlite3, ssh2's bindings) cannot be bundled, and bundling the rest
 *   would load every package at start (a single file without splitting imported them all: 555 ms). Commander is
 *   loaded by every verb, and as a CommonJS package imported from ESM it cost each run Node's CommonJS loader and
 *   its export lexer: bundled, `wbguard --version` and a small `analyze` start ~6–7 ms sooner (medians of 60
 *   alternated runs: 65.5 against 73 ms, 93.4 against 99.7 ms). Its `require` of Node's modules needs a `require`
 *   in the bundle's ESM, which the banner makes.
 * - Split into chunks at every dynamic `import()`, so each verb still loads only what it uses.
 * - The worker threads' modules (worker-thread.ts starts `./NAME.js` beside the caller) are bundled each into one
 *   file, in the same directory as the chunks that start them: a worker loads its whole module graph at its start,
 *   and as a file of its own (not the CLI's shared chunks) a scan worker loaded it in ~12 ms rather than ~18 ms
 *   (medians of 20 alternated starts; an empty worker ~5 ms), which each analysis with workers pays once a worker.
 * - Built from tsc's output (dist/src), so the bundle runs the very code the type checker passed.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { workerModules } from './worker-modules.js';

const OUT = 'dist/bundle';

/** The CLI. */
const CLI = 'dist/src/app/cli/main.js';
/** The module of every worker thread it starts (so that a new worker cannot be missing). */
const WORKERS = workerModules().map((w) => join('dist/src', w.dir, `${w.name}.js`));

/** Packages bundled: the others are imported from node_modules at run time. */
const BUNDLED_PACKAGES = new Set(['commander', '@commander-js/extra-typings']);

/** Every bare import (an npm package) stays an import, but those of BUNDLED_PACKAGES. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.has(name as string) || args.path.startsWith('node:') ? undefined : { external: true };
    });
  },
};

/** What both builds share. */
const COMMON: BuildOptions = {
  outdir: OUT,
  entryNames: '[name]',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackages],
  logLevel: 'warning',
  metafile: true,
};

// Chunk names carry a hash: a directory left from an earlier build would keep stale ones.
rmSync(OUT, { recursive: true, force: true });
// The CLI split into chunks at every dynamic import(): each verb loads only what it uses.
const cli = await build({
  ...COMMON,
  entryPoints: [CLI],
  chunkNames: 'chunk-[hash]',
  splitting: true,
  // Bundled CommonJS (commander) calls `require`, which ESM has not; the workers bundle none.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);",
  },
});
// Each worker thread's module whole, in one file.
await build({ ...COMMON, entryPoints: WORKERS, splitting: false });
const chunks = Object.keys(cli.metafile?.outputs ?? {}).filter((f) => f.endsWith('.js')).length - 1;
console.log(`wrote ${OUT}: ${[CLI, ...WORKERS].map((e) => e.replace(/.*\//, '')).join(', ')} and ${chunks} chunks`);
