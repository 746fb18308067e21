/**
 * @module sim/model/options
 * What a simulated cluster is made of and how its guests behave. Every duration is in simulated milliseconds.
 */
import type { RestartOutputMode } from '../types.js';

export interface SimModelOptions {
  /** Combined servers (Web Bridge 2 + Call Bridge), named cms1…cmsN. @default 3 */
  readonly nodes: number;
  /** Extra Web-Bridge-only nodes (named after the combined ones). @default 0 */
  readonly webbridgeOnly: number;
  /** Extra Call-Bridge-only nodes. @default 0 */
  readonly callbridgeOnly: number;
  /** Names of nodes on CMS 2.9 that also run Web Bridge 3 (which does not leak). @default [] */
  readonly webbridge3Nodes: readonly string[];
  /** `version` / `softwareVersion` of 2.x nodes. @default '2.8.3' */
  readonly softwareVersion: string;
  /** Sessions at which a Web Bridge refuses joins. @default 149 */
  readonly limit: number;
  /** Fraction of ended sessions that a Web Bridge leaks (never frees). @default 0.05 */
  readonly leakRate: number;
  /** Guests joining per simulated hour, over the whole cluster. @default 120 */
  readonly joinRatePerHour: number;
  /** `constant`, or `workday`: the rate follows a working day (0 at night, peak at 13:00, 15 % at weekends). */
  readonly loadCurve: 'constant' | 'workday';
  /** Mean stay of a guest. @default 1800000 (30 min) */
  readonly meanStayMs: number;
  /** Meetings guests spread over (calls). @default 8 */
  readonly meetings: number;
  /** SIP legs each active call has on the Call Bridge hosting it. @default 1 */
  readonly sipLegsPerCall: number;
  /** Web Bridge `Stats` line interval (unconfirmed for real CMS). @default 10000 */
  readonly statsIntervalMs: number;
  /** Call Bridge `STATS:` interval (5 minutes on CMS 2.8+). @default 300000 */
  readonly callbridgeStatsIntervalMs: number;
  /** Ordinary log lines per Stats line. @default 1 */
  readonly chatterPerStats: number;
  /** How long a Web Bridge is away after `webbridge restart` (unconfirmed for real CMS). @default 30000 */
  readonly restartDurationMs: number;
  /** What `webbridge restart` prints (unconfirmed for real CMS). @default 'success' */
  readonly restartOutput: RestartOutputMode;
  /** Start of simulated time (epoch ms). @default the real time at start */
  readonly start: number;
  readonly seed: number;
}

export const DEFAULT_SIM_MODEL: Omit<SimModelOptions, 'start'> = {
  nodes: 3,
  webbridgeOnly: 0,
  callbridgeOnly: 0,
  webbridge3Nodes: [],
  softwareVersion: '2.8.3',
  limit: 149,
  leakRate: 0.05,
  joinRatePerHour: 120,
  loadCurve: 'constant',
  meanStayMs: 1_800_000,
  meetings: 8,
  sipLegsPerCall: 1,
  statsIntervalMs: 10_000,
  callbridgeStatsIntervalMs: 300_000,
  chatterPerStats: 1,
  restartDurationMs: 30_000,
  restartOutput: 'success',
  seed: 1,
};
