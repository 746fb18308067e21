/**
 * @module prove/run
 * `npm run prove`: the long versions of test/prove (the short ones run in `npm test`). Each part prints the figures
 * docs/reliability.md quotes. `--only model|fuzz|flood` runs one part; exit 1 when a part found a problem.
 */
import { parseArgs } from 'node:util';
import { proveFlood } from './flood.js';
import { proveFuzz } from './fuzz.js';
import { proveModel } from './model.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    seeds: { type: 'string', default: '40' },
    days: { type: 'string', default: '50' },
    wiring: { type: 'string', default: 'proposed' },
    doors: { type: 'string', default: 'every' },
    'compare-seeds': { type: 'string', default: '8' },
    'compare-days': { type: 'string', default: '28' },
    runs: { type: 'string', default: '200000' },
    seconds: { type: 'string', default: '60' },
  },
});
const parts: Record<string, () => Promise<boolean>> = {
  model: () =>
    proveModel({
      seeds: Number(values.seeds),
      days: Number(values.days),
      wiring: values.wiring === 'daemon' ? 'daemon' : 'proposed',
      doors: values.doors === 'daemon' ? 'daemon' : 'every',
      compareSeeds: Number(values['compare-seeds']),
      compareDays: Number(values['compare-days']),
    }),
  fuzz: () => proveFuzz(Number(values.runs)),
  flood: () => proveFlood(Number(values.seconds)),
};
let ok = true;
for (const [name, part] of Object.entries(parts)) {
  if (!values.only || values.only === name) {
    ok = (await part()) && ok;
  }
}
process.exit(ok ? 0 : 1);
