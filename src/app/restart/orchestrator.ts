/**
 * @module app/restart/orchestrator
 * The only code that sends a restart to an MMP, and only for Web Bridges the pure policy returned `restart` for.
 * One at a time, in plan order: lock, journal, run the command, read its result, verify the Web Bridge back, then
 * the next. A failure stops the run unless `keepGoing`; every node gets a result and every started restart ends
 * with a journal entry.
 */

import {
  commandEntry,
  decisionEntry,
  outputEntry,
  planEntry,
  resultEntry,
  verificationEntry,
} from '../../core/journal/entries.js';
import type { RestartDecision, RollingPlan } from '../../core/policy/index.js';
import { WbguardError } from '../../errors.js';
import type { Journal } from '../../ports/journal.js';
import type { MmpClient, MmpTarget } from '../../ports/mmp.js';
import type { RestartLock } from '../../ports/restart-lock.js';
import { closeInterruptedRestarts } from './interrupted.js';
import type { Reading, Verifier } from './verifiers.js';

export type Outcome = 'success' | 'failure' | 'abandoned' | 'skipped' | 'deferred';

export interface NodeResult {
  readonly name: string;
  readonly outcome: Outcome;
  readonly reasons: readonly string[];
  readonly command?: {
    readonly stdout: string;
    readonly stderr: string;
    readonly exitCode: number | null;
    readonly durationMs: number;
  };
  readonly readings?: ReadonlyArray<Reading & { readonly at: string }>;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface RestartSettings {
  readonly cluster: string;
  readonly restartCommand: string;
  readonly commandTimeoutMs: number;
  readonly verifyTimeoutMs: number;
  readonly verifyHealthyReadings: number;
  readonly verifyIntervalMs: number;
}

export interface RestartDeps {
  readonly mmp: MmpClient;
  readonly journal: Journal;
  readonly lock: RestartLock;
  readonly targetOf: (name: string) => MmpTarget;
  /** Verifiers for a node, built once its restart command returned (they may need its time). */
  readonly verifiersFor: (name: string, restartAt: number) => Verifier[];
  readonly trigger: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Progress lines for a terminal. */
  readonly onProgress?: (line: string) => void;
  /**
   * Aborted when wbguard is stopping: a restart in flight stops waiting for its verification and is journaled as
   * abandoned (never left half-verified without an entry); the ones not started are abandoned too.
   */
  readonly signal?: AbortSignal;
  /**
   * Asked just before each Web Bridge's restart command, on the data of that moment: a rolling plan takes minutes
   * per node, and a guest may have joined, the data gone stale or the window closed since the plan was made (found
   * by the randomized model in test/prove). Returns undefined to go ahead, or the verdict that stops this node.
   */
  readonly recheck?: (
    name: string,
  ) =>
    | { kind: 'skip' | 'defer'; reasons: readonly string[] }
    | undefined
    | Promise<{ kind: 'skip' | 'defer'; reasons: readonly string[] } | undefined>;
}

/**
 * Sleeps, or ends early when the signal aborts. The abort listener is removed after each sleep: a daemon waits
 * thousands of times over its life on one signal, and listeners left behind would pile up.
 */
export async function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  if (!signal) {
    await sleep(ms);
    return;
  }
  if (signal.aborted) {
    return;
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    if (onAbort) {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function verify(
  name: string,
  s: RestartSettings,
  deps: RestartDeps,
  restartAt: number,
): Promise<{ ok: boolean; readings: Array<Reading & { at: string }> }> {
  const verifiers = deps.verifiersFor(name, restartAt);
  try {
    return await verifyWith(verifiers, name, s, deps);
  } finally {
    for (const v of verifiers) {
      v.stop?.();
    }
  }
}

async function verifyWith(
  verifiers: Verifier[],
  name: string,
  s: RestartSettings,
  deps: RestartDeps,
): Promise<{ ok: boolean; readings: Array<Reading & { at: string }> }> {
  const readings: Array<Reading & { at: string }> = [];
  let streak = 0;
  const start = deps.now();
  while (deps.now() - start <= s.verifyTimeoutMs && !deps.signal?.aborted) {
    const results = await Promise.all(verifiers.map(async (v) => ({ v: v.name, r: await v.read() })));
    const healthy = results.every((x) => x.r.healthy);
    const reading = { healthy, detail: results.map((x) => `${x.v}: ${x.r.detail}`).join('; '), at: iso(deps.now()) };
    readings.push(reading);
    deps.onProgress?.(`  ${name}: ${healthy ? 'healthy' : 'not yet'} (${reading.detail})`);
    streak = healthy ? streak + 1 : 0;
    if (streak >= s.verifyHealthyReadings) {
      return { ok: true, readings };
    }
    await sleepUnlessAborted(deps.sleep, s.verifyIntervalMs, deps.signal);
  }
  return { ok: false, readings };
}

async function restartOne(
  name: string,
  decision: RestartDecision,
  s: RestartSettings,
  deps: RestartDeps,
): Promise<NodeResult> {
  const base = () => ({ at: deps.now(), trigger: deps.trigger, cluster: s.cluster, node: name });
  const acquired = deps.lock.tryAcquire(s.cluster, name, deps.now());
  if (!acquired.ok) {
    const reason = `one-at-a-time: ${acquired.holder.node} is being restarted by pid ${acquired.holder.pid} on ${acquired.holder.host} since ${acquired.holder.since}`;
    deps.journal.append(decisionEntry({ ...base(), outcome: 'deferred', reasons: [reason] }));
    return { name, outcome: 'deferred', reasons: [reason] };
  }
  try {
    deps.journal.append(commandEntry({ ...base(), command: s.restartCommand, guards: decision.guards }));
    deps.onProgress?.(`${name}: ${s.restartCommand}`);
    let command: NodeResult['command'];
    try {
      command = await deps.mmp.exec(deps.targetOf(name), s.restartCommand, { commandTimeoutMs: s.commandTimeoutMs });
    } catch (err) {
      const e =
        err instanceof WbguardError
          ? { code: err.code, message: err.message }
          : { code: 'WBGUARD_ERR_SSH_CONNECT', message: (err as Error).message };
      deps.journal.append(resultEntry({ ...base(), outcome: 'failure', error: e }));
      deps.journal.logCisco(deps.now(), name, false, e.message);
      return { name, outcome: 'failure', reasons: [e.message], error: e };
    }
    deps.journal.append(outputEntry({ ...base(), output: command }));
    const failed = command.exitCode !== 0 || /FAILURE/.test(command.stdout) || /FAILURE/.test(command.stderr);
    if (failed) {
      const why = `${s.restartCommand} failed: exit ${command.exitCode}${/FAILURE/.test(command.stdout + command.stderr) ? `, ${(command.stdout + command.stderr).match(/FAILURE[^\n]*/)?.[0]}` : ''}`;
      deps.journal.append(resultEntry({ ...base(), outcome: 'failure', reasons: [why] }));
      deps.journal.logCisco(deps.now(), name, false, why);
      return {
        name,
        outcome: 'failure',
        reasons: [why],
        command,
        error: { code: 'WBGUARD_ERR_SSH_EXIT', message: why },
      };
    }
    const restartAt = deps.now();
    const v = await verify(name, s, deps, restartAt);
    deps.journal.append(verificationEntry({ ...base(), verified: v.ok, readings: v.readings }));
    if (!v.ok && deps.signal?.aborted) {
      const why =
        'abandoned: wbguard was stopped while verifying; the restart command had succeeded, the Web Bridge was not verified back';
      deps.journal.append(resultEntry({ ...base(), outcome: 'abandoned', reasons: [why] }));
      deps.journal.logCisco(deps.now(), name, false, why);
      return { name, outcome: 'abandoned', reasons: [why], command, readings: v.readings };
    }
    if (!v.ok) {
      const why = `not verified back within ${s.verifyTimeoutMs} ms (${s.verifyHealthyReadings} healthy readings in a row needed)`;
      deps.journal.append(resultEntry({ ...base(), outcome: 'failure', reasons: [why] }));
      deps.journal.logCisco(deps.now(), name, false, why);
      return { name, outcome: 'failure', reasons: [why], command, readings: v.readings };
    }
    deps.journal.append(resultEntry({ ...base(), outcome: 'success' }));
    deps.journal.logCisco(deps.now(), name, true);
    return { name, outcome: 'success', reasons: decision.reasons, command, readings: v.readings };
  } finally {
    acquired.release();
  }
}

/** Runs a rolling restart of `plan.order`; every decision of the plan gets a result. */
export async function runRollingRestart(
  plan: RollingPlan,
  settings: RestartSettings,
  deps: RestartDeps,
  options: { keepGoing: boolean },
): Promise<NodeResult[]> {
  const results: NodeResult[] = [];
  closeInterruptedRestarts(deps.journal, deps.lock, settings.cluster, deps.now(), deps.trigger);
  deps.journal.append(planEntry({ at: deps.now(), trigger: deps.trigger, cluster: settings.cluster, plan }));
  let stopped = false;
  for (const d of plan.decisions) {
    if (d.kind !== 'restart') {
      results.push({ name: d.name, outcome: d.kind === 'skip' ? 'skipped' : 'deferred', reasons: d.reasons });
      continue;
    }
    if (stopped || deps.signal?.aborted) {
      const why = deps.signal?.aborted
        ? 'not attempted: wbguard was stopping'
        : 'not attempted: an earlier restart failed (use --keep-going to continue past failures)';
      deps.journal.append(
        resultEntry({
          at: deps.now(),
          trigger: deps.trigger,
          cluster: settings.cluster,
          node: d.name,
          outcome: 'abandoned',
          reasons: [why],
        }),
      );
      results.push({ name: d.name, outcome: 'abandoned', reasons: [why] });
      continue;
    }
    const veto = await deps.recheck?.(d.name);
    if (veto) {
      deps.journal.append(
        decisionEntry({
          at: deps.now(),
          trigger: deps.trigger,
          cluster: settings.cluster,
          node: d.name,
          outcome: veto.kind === 'skip' ? 'skipped' : 'deferred',
          reasons: ['checked again just before its restart', ...veto.reasons],
        }),
      );
      results.push({ name: d.name, outcome: veto.kind === 'skip' ? 'skipped' : 'deferred', reasons: veto.reasons });
      continue;
    }
    const r = await restartOne(d.name, d, settings, deps);
    results.push(r);
    if (r.outcome === 'failure' && !options.keepGoing) {
      stopped = true;
    }
  }
  return results;
}
