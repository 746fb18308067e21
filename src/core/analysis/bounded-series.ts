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
  #t: number[] = [];
  #v: number[] = [];
  #bucket: number[] = [];

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

  /** Doubles the bucket width and merges points that now share a bucket. */
  #halve(): void {
    this.#widthMs *= 2;
    const t: number[] = [];
    const v: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < this.#t.length; i++) {
      const nb = Math.floor((this.#bucket[i] as number) / 2);
      const last = b.length - 1;
      if (last >= 0 && b[last] === nb) {
        if ((this.#v[i] as number) > (v[last] as number)) {
          v[last] = this.#v[i] as number;
        }
      } else {
        b.push(nb);
        t.push(this.#t[i] as number);
        v.push(this.#v[i] as number);
      }
    }
    this.#t = t;
    this.#v = v;
    this.#bucket = b;
  }

  get length(): number {
    return this.#t.length;
  }

  toSeries(): Series {
    return { t: [...this.#t], v: [...this.#v] };
  }
}
