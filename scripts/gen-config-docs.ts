/**
 * @module scripts/gen-config-docs
 * Writes docs/configuration.md from the configuration schema: `npm run docs:config`. A test fails when the
 * committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigurationDoc } from '../src/app/config/docs.js';

// Relative to this script, so it works from any working folder.
const target = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
writeFileSync(target, renderConfigurationDoc());
console.log(`wrote ${target}`);
