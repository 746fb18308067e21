/**
 * Writes the bundled sample `samples/cms-cluster.log.gz`: five days of a three-node CMS 2.x cluster whose Web Bridges
 * leak 18, 6 and 0 sessions a day, with a restart of cms1 and a quiet end. Run: `node --import tsx bench/make-sample.ts`.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { DAY_MS, writeCorpus } from './lib/corpus.js';

const start = Date.UTC(2026, 10, 16, 0, 0, 0);
const lines: string[] = [];
const leaked = writeCorpus(
  {
    start,
    days: 5,
    leakPerDay: [18, 6, 0],
    peakReal: 35,
    restarts: [{ node: 0, atMs: 2 * DAY_MS + 2 * 3_600_000 }],
    chatterPerStats: 2,
    statsEveryMs: 60_000,
    quietEndHours: 5,
  },
  (_node, line) => lines.push(line),
);
mkdirSync('samples', { recursive: true });
const path = 'samples/cms-cluster.log.gz';
writeFileSync(path, gzipSync(`${lines.join('\n')}\n`, { level: 9 }));
const mtime = new Date(start + 5 * DAY_MS);
utimesSync(path, mtime, mtime);
console.log(`wrote ${path}: ${lines.length} lines; leaked at the end: ${leaked.join(', ')}`);
