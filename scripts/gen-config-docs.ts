/** Writes docs/configuration.md from the configuration schema: `npm run docs:config`. */
import { writeFileSync } from 'node:fs';
import { renderConfigurationDoc } from '../src/app/config/docs.js';

writeFileSync('docs/configuration.md', renderConfigurationDoc());
console.log('wrote docs/configuration.md');
