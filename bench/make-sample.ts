/**
 * Writes the sample CMS log `samples/cms-cluster.log.gz` (or the path given): five days of a three-node CMS 2.x cluster
 * whose Web Bridges leak 18, 6 and 0 sessions a day, with a restart of cms1 and a quiet end.
 * Run: `npm run sample`. It is generated, not committed.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DAY_MS, writeCorpus } from './lib/corpus.js';

export const SAMPLE_START = Date.UTC(2026, 10, 16, 0, 0, 0);

/** Writes the sample to `path`; returns the lines written and the sessions each Web Bridge leaked by the end. */
export function writeSample(path: string): { lines: number; leaked: number[] } {
  const lines: string[] = [];
  const leaked = writeCorpus(
    {
      start: SAMPLE_START,
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
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(`${lines.join('\n')}\n`, { level: 9 }));
  const mtime = new Date(SAMPLE_START + 5 * DAY_MS);
  utimesSync(path, mtime, mtime);
  return { lines: lines.length, leaked };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = process.argv[2] ?? 'samples/cms-cluster.log.gz';
  const r = writeSample(path);
  console.log(`wrote ${path}: ${r.lines} lines; leaked at the end: ${r.leaked.join(', ')}`);
}
