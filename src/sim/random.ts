/**
 * @module sim/random
 * A small seeded PRNG (mulberry32) so a simulation is the same run after run under `--seed`.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Number of events in an interval with the given mean (Poisson, Knuth's method; fine for small means). */
export function poisson(rand: Random, mean: number): number {
  if (mean <= 0) {
    return 0;
  }
  if (mean > 50) {
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * (rand() + rand() + rand() - 1.5) * 2));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

/** An exponentially distributed duration with the given mean. */
export function exponential(rand: Random, mean: number): number {
  return -Math.log(1 - rand()) * mean;
}
