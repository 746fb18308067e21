/**
 * `npm run build:wasm`: assembles src/adapters/logfiles/wasm/count-byte.wat with wabt (the npm package, no binary
 * from elsewhere) and writes the module, base64-encoded, to count-byte-module.ts beside it. Generated, never committed:
 * `npm ci` runs it (the `prepare` script) and so does `npm run build` (hence `npm pack`, whose tarball carries the
 * compiled module, so installing wbguard needs no wabt); test/adapters/logfiles/count-byte.test.ts checks that the
 * module is what the .wat assembles to.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { assembleCountByte, COUNT_BYTE_MODULE_TS, renderModuleSource } from './wasm-source.js';

const wasm = await assembleCountByte(readFileSync);
writeFileSync(COUNT_BYTE_MODULE_TS, renderModuleSource(wasm));
console.log(`wrote ${COUNT_BYTE_MODULE_TS} (${wasm.length} bytes of WebAssembly)`);
