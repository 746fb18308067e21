/**
 * `npm run build:wasm`: assembles src/adapters/logfiles/wasm/count-byte.wat with wabt (the npm package, no binary
 * from elsewhere) and writes the module, base64-encoded, to count-byte-module.ts beside it. The module is committed so
 * that neither installing nor building wbguard needs wabt; test/adapters/logfiles/count-byte.test.ts checks that the
 * committed bytes are still what the .wat assembles to.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { assembleCountByte, COUNT_BYTE_MODULE_TS, renderModuleSource } from './wasm-source.js';

const wasm = await assembleCountByte(readFileSync);
writeFileSync(COUNT_BYTE_MODULE_TS, renderModuleSource(wasm));
console.log(`wrote ${COUNT_BYTE_MODULE_TS} (${wasm.length} bytes of WebAssembly)`);
