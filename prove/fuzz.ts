/**
 * @module prove/fuzz
 * The long fuzz run: `npm run prove -- --only fuzz [--runs N]`: the properties of test/prove/fuzz.test.ts with
 * budgets N (envelope, payloads), N/10 (framing, configuration) and N/100 (the CMS API client over loopback), on
 * seeds that change every run (printed, so a failure can be replayed).
 */
import { fuzzConfig, fuzzEnvelope, fuzzFraming, fuzzPayloads, fuzzXmlClient } from '../test/prove/lib/fuzz-properties.js';

export async function proveFuzz(runs: number): Promise<boolean> {
  const seed = Date.now() % 1_000_000;
  const parts: Array<[string, () => number | Promise<number>]> = [
    ['syslog envelope', () => fuzzEnvelope(runs, seed)],
    ['CMS payloads', () => fuzzPayloads(runs, seed + 1)],
    ['framing', () => fuzzFraming(Math.ceil(runs / 10), seed + 2)],
    ['configuration loader', () => fuzzConfig(Math.ceil(runs / 10), seed + 3)],
    ['CMS API client', () => fuzzXmlClient(Math.ceil(runs / 100), seed + 4)],
  ];
  let ok = true;
  for (const [name, run] of parts) {
    const started = performance.now();
    try {
      const n = await run();
      console.log(`fuzz ${name}: ${n} inputs, no failure (${((performance.now() - started) / 1000).toFixed(1)} s, seed ${seed})`);
    } catch (err) {
      ok = false;
      console.log(`fuzz ${name}: FAILED (seed ${seed}): ${(err as Error).message.split('\n').slice(0, 4).join(' | ')}`);
    }
  }
  return ok;
}
