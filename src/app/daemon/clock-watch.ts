/**
 * @module app/daemon/clock-watch
 * Notices the host clock stepping. The daemon's clock (`now`, the wall clock) is read beside a monotonic one every
 * `everyMs`; when the wall clock went back while real time went on, by more than `toleranceMs`, that is a step
 * backwards (NTP correcting a clock that ran fast, an operator, a VM restored). wbguard stays safe through it (the
 * freshness guard refuses data stamped ahead of the clock, maxPerDay reads the journal past the step: test/prove),
 * but an operator should know: `onStepBack` raises the `clock-step` alert. A step forward is logged only.
 * A clock that stands still (tests) is not a step.
 */
import type { Logger } from '../../ports/logger.js';

export interface ClockWatchOptions {
  readonly now: () => number;
  readonly onStepBack: (from: number, to: number) => void;
  readonly log?: Logger;
  /** @default 1000 */
  readonly everyMs?: number;
  /** Steps smaller than this are ignored (timer jitter cancels out: both clocks are read together). @default 1000 */
  readonly toleranceMs?: number;
  /** @default performance.now */
  readonly monotonic?: () => number;
}

export interface ClockWatch {
  /** One comparison now (the timer calls it too). */
  check(): void;
  close(): void;
}

export function watchClock(o: ClockWatchOptions): ClockWatch {
  const mono = o.monotonic ?? (() => performance.now());
  const tolerance = o.toleranceMs ?? 1000;
  let wall = o.now();
  let real = mono();
  const check = () => {
    const w = o.now();
    const r = mono();
    const wallDelta = w - wall;
    const step = wallDelta - (r - real);
    if (wallDelta < 0 && step < -tolerance) {
      o.log?.warn(
        { from: new Date(wall).toISOString(), to: new Date(w).toISOString(), backMs: Math.round(-step) },
        'host clock stepped backwards',
      );
      o.onStepBack(wall, w);
    } else if (step > tolerance && wallDelta > tolerance) {
      o.log?.warn(
        { from: new Date(wall).toISOString(), to: new Date(w).toISOString(), forwardMs: Math.round(step) },
        'host clock stepped forwards',
      );
    }
    wall = w;
    real = r;
  };
  const timer = setInterval(check, o.everyMs ?? 1000);
  timer.unref();
  return { check, close: () => clearInterval(timer) };
}
