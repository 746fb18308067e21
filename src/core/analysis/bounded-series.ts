/**
 * @module core/analysis/bounded-series
 * A time series that never holds more than `maxPoints` points: samples fall into buckets that keep their
 * maximum (so peaks and the limit stay visible), and when the series is full the bucket width doubles and
 * neighbours merge. Memory is bounded whatever the length of the input.
 */
import type { Series } from '../model.js';

export class BoundedSeries {
  readonly #maxPoints: number;
  #widthMs: number;
  #origin: number | undefined;
  readonly #t: number[] = [];
  readonly #v: number[] = [];
  readonly #bucket: number[] = [];

  constructor(maxPoints: number, initialWidthMs = 1) {
    this.#maxPoints = Math.max(2, maxPoints);
    this.#widthMs = Math.max(1, initialWidthMs);
  }

  push(t: number, v: number): void {
    if (this.#origin === undefined) {
      this.#origin = t;
    }
    const bucket = Math.floor((t - this.#origin) / this.#widthMs);
    const last = this.#bucket.length - 1;
    if (last >= 0 && bucket <= (this.#bucket[last] as number)) {
      // Same bucket (or a slightly late sample): keep the maximum.
      if (v > (this.#v[last] as number)) {
        this.#v[last] = v;
      }
      return;
    }
    this.#bucket.push(bucket);
    this.#t.push(t);
    this.#v.push(v);
    if (this.#t.length > this.#maxPoints) {
      this.#halve();
    }
  }

  /**
   * Doubles the bucket width and merges points that now share a bucket, in place: a long run halves a series up to
   * 14 times while its bucket grows from 1 ms to the sampling step, and new arrays each time were garbage.
   */
  #halve(): void {
    this.#widthMs *= 2;
    const t = this.#t;
    const v = this.#v;
    const b = this.#bucket;
    let out = 0;
    for (let i = 0; i < t.length; i++) {
      const nb = Math.floor((b[i] as number) / 2);
      if (out > 0 && b[out - 1] === nb) {
        if ((v[i] as number) > (v[out - 1] as number)) {
          v[out - 1] = v[i] as number;
        }
      } else {
        b[out] = nb;
        t[out] = t[i] as number;
        v[out] = v[i] as number;
        out++;
      }
    }
    t.length = out;
    v.length = out;
    b.length = out;
  }

  get length(): number {
    return this.#t.length;
  }

  toSeries(): Series {
    return { t: [...this.#t], v: [...this.#v] };
  }
}
