/**
 * `npm run build:wasm`: assembles and optimises the kernels of src/adapters/logfiles/wasm (count-byte.wat,
 * stats-line.wat) with binaryen (the npm package, no binary from elsewhere: scripts/wasm-source.ts says why optimised)
 * and writes each module, base64-encoded, to a -module.ts beside it. Generated, never committed:
 * `npm ci` and `npm install` in a checkout run it (the `dependencies` script: not `prepare`, which npm lists as an install
 * script of the packed tarball, where it cannot run) and so does `npm run build` (hence `npm pack`, whose tarball carries
 * the compiled module, so installing wbguard needs no binaryen); test/adapters/logfiles/count-byte.test.ts checks that the
 * module is what the .wat assembles to.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { assemble, KERNELS, renderModuleSource } from './wasm-source.js';

for (const kernel of KERNELS) {
  const wasm = await assemble(kernel, readFileSync);
  writeFileSync(kernel.moduleTs, renderModuleSource(kernel, wasm));
  console.log(`wrote ${kernel.moduleTs} (${wasm.length} bytes of WebAssembly)`);
}
