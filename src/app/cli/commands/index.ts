/**
 * @module app/cli/commands
 * The list of verbs, in the order `wbguard --help` shows them. One file per verb.
 */
import { registerAnalyze } from './analyze.js';
import { registerConfig } from './config.js';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerImportScript } from './import-script.js';
import { registerRestart } from './restart.js';
import { registerRun } from './run.js';
import { registerSchedule } from './schedule.js';
import { registerSim } from './sim.js';
import { registerStatus } from './status.js';
import { registerTrust } from './trust.js';
import type { RegisterVerb } from './types.js';

export const VERBS: readonly RegisterVerb[] = [
  registerDemo,
  registerRun,
  registerStatus,
  registerAnalyze,
  registerRestart,
  registerTrust,
  registerDoctor,
  registerSim,
  registerConfig,
  registerImportScript,
  registerSchedule,
];
