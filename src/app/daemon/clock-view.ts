/**
 * @module app/daemon/clock-view
 * Which clock the guard lives on, as `/api/v1/state` shows it (`clock`): the dashboard shows times, ages and chart
 * ranges on that clock, not the browser's. `wbguard demo` runs the guard on the simulator's clock, `speed` times
 * faster than the wall clock; `wbguard run` on the host's.
 */

export interface ClockLabel {
  /** True when the guard's clock is a simulator's. */
  readonly simulated: boolean;
  /** Guard seconds per wall-clock second. @default 1 */
  readonly speed?: number;
}

export interface ClockView {
  /** The guard's clock when the state was read, ISO-8601. */
  readonly now: string;
  readonly simulated: boolean;
  readonly speed: number;
}

export function withClock<T extends object>(
  state: T,
  now: number,
  label: ClockLabel | undefined,
): T & { clock: ClockView } {
  return {
    ...state,
    clock: { now: new Date(now).toISOString(), simulated: label?.simulated ?? false, speed: label?.speed ?? 1 },
  };
}
