/**
 * @module test/prove/lib/model/doors
 * The doors a restart request comes through, as small adapters the model calls with its in-memory journal, lock,
 * MMP, clock and sleep:
 * - `cliRestart`: `wbguard restart NAME…|--all|--leaking [--force] --yes` without `--logs` (session data from the
 *   daemon's store). The verb's action (app/cli/commands/restart.ts) opens files, SSH and the wall clock itself,
 *   so this adapter composes the same functions it calls, in its order: analysis of the stored records
 *   (app/analyze/from-store.ts), the `--leaking` filter, `restartInputs` with "in flight" = the lock's holder only,
 *   `makePlan`, the plan journal entry when nothing is to be done, and `runRollingRestart` with the MMP status
 *   verifier and no recheck. The printed timers (`wbguard schedule --print …`) run `wbguard restart --leaking --yes`:
 *   the timer door is this adapter with `leaking`.
 * - `apiRestart`: `POST /api/v1/restart` through the daemon's real hono app (`createHttpApp`, `app.request()`), whose
 *   route calls the daemon's ClusterGuard (daemon-guard.ts).
 * - the daemon's own policy is DaemonGuard.evaluate (daemon-guard.ts).
 * Once every door goes through the one restart use case, point `cliRestart` at it; `lockOnlyRestart` stays: the
 * negative control of a door that only looks at the lock, which the model must catch.
 */
import { callbridgeNameMap, webbridgeNameMap } from '../../../../src/app/config/index.js';
import { historyOf } from '../../../../src/app/restart/history-facts.js';
import { targetFor } from '../../../../src/app/restart/mmp-wiring.js';
import type { NodeResult } from '../../../../src/app/restart/orchestrator.js';
import {
  exitStatusOf,
  planRestart,
  type RestartSources,
  runRestart,
  snapshotOf,
} from '../../../../src/app/restart/restart-use-case.js';
import { mmpStatusVerifier } from '../../../../src/app/restart/verifiers.js';
import { ClusterAnalyzer } from '../../../../src/core/analysis/index.js';
import { type Decision, decide } from '../../../../src/core/decision/decide.js';
import type { Selection } from '../../../../src/core/decision/snapshot.js';
import { planEntry } from '../../../../src/core/journal/entries.js';
import type { RestartLock } from '../../../../src/ports/restart-lock.js';
import type { GuardDeps } from './guard.js';

/**
 * Whether the CLI and timer doors see a Web Bridge still restarting after a restart that was not verified back
 * (issue 16's defect: today they look at the lock only). Set to true when `cliRestart` goes through the restart use
 * case: the CI test then asserts that those doors break no invariant either.
 */
export const CLI_SEES_STILL_RESTARTING = true;

export interface CliRequest {
  /** Web Bridge names, or undefined with `all` / `leaking`. */
  readonly names?: readonly string[];
  readonly all?: boolean;
  readonly leaking?: boolean;
  readonly force: boolean;
  /** The user in the journal's trigger (`cli:USER`). */
  readonly user: string;
}

/** What a door needs: the daemon's parts (guard.ts), the lock as its own process holds it, a view of its plans. */
export type DoorDeps = Pick<GuardDeps, 'config' | 'store' | 'journal' | 'mmp' | 'now' | 'sleep'> & {
  /** The lock as this process holds it (a CLI run is its own process). */
  readonly lock: RestartLock;
  /** Shown each plan this door decided (the model checks every restart decision that was not forced). */
  readonly onPlan?: (decisions: ReadonlyArray<{ name: string; kind: string; forced: boolean }>) => void;
};

/** What a CLI run ends with: its exit status as the verb computes it, and the results. */
export interface CliOutcome {
  readonly exitCode: 0 | 1 | 3;
  readonly results: readonly NodeResult[];
}

/** The report `wbguard restart` reads from the daemon's store (analysisFromStore over the last 14 days). */
function reportFromStore(d: DoorDeps, now: number) {
  const c = d.config;
  const analyzer = new ClusterAnalyzer({
    limit: c.analysis.limit,
    cmaClients: c.analysis.cmaClients,
    staleAfterMs: c.analysis.staleAfterMs,
    webbridgeNames: webbridgeNameMap(c),
    callbridgeNames: callbridgeNameMap(c),
  });
  const records = d.store.recordsSince(now - 14 * 86_400_000);
  for (const r of records) {
    analyzer.add(r);
  }
  return analyzer.report({ read: records.length, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 }, now);
}

/** The use case's sources for a CLI run in the model: the daemon's store, its journal, this process's lock. */
function sourcesOf(d: DoorDeps): RestartSources {
  return {
    config: d.config,
    report: () => reportFromStore(d, d.now()),
    api: () => undefined,
    journal: d.journal,
    lock: d.lock,
    now: d.now,
  };
}

function selectionOf(req: CliRequest): Selection {
  return req.names ? { kind: 'names', names: [...req.names] } : req.leaking ? { kind: 'leaking' } : { kind: 'all' };
}

/** Runs a door's decision as `wbguard restart` does: the plan entry when nothing runs, else the rolling restart. */
async function runCliDecision(
  d: DoorDeps,
  req: CliRequest,
  src: RestartSources,
  decision: Decision,
  recheck: boolean,
): Promise<CliOutcome> {
  const config = d.config;
  d.onPlan?.(
    decision.plan.decisions.map((x) => ({
      name: x.name,
      kind: x.kind,
      forced: x.guards.some((g) => g.verdict === 'forced'),
    })),
  );
  if (decision.plan.order.length === 0) {
    d.journal.append(
      planEntry({
        at: decision.now,
        trigger: `cli:${req.user}`,
        cluster: config.cluster,
        dryRun: false,
        plan: { order: decision.plan.order, decisions: decision.plan.decisions },
      }),
    );
    return { exitCode: exitStatusOf(decision, [], false), results: [] };
  }
  const results = await runRestart(
    src,
    decision,
    {
      mmp: d.mmp,
      journal: d.journal,
      targetOf: (n) => targetFor(config, n),
      verifiersFor: (n) => [
        mmpStatusVerifier(
          d.mmp,
          targetFor(config, n),
          config.mmp.statusCommand,
          config.mmp.statusPattern,
          config.mmp.commandTimeoutMs,
        ),
      ],
      trigger: `cli:${req.user}${req.force ? ':force' : ''}`,
      sleep: d.sleep,
      ...(recheck ? { recheck: { window: false, force: req.force } } : {}),
    },
    { keepGoing: false },
  );
  return { exitCode: exitStatusOf(decision, results, false), results };
}

/**
 * The negative control: a door whose "one at a time" sees only the lock (the CLI before issue 16: a restart that was
 * not verified back, its lock released, did not count) and that plans once, without a recheck per Web Bridge.
 */
export async function lockOnlyRestart(d: DoorDeps, req: CliRequest): Promise<CliOutcome> {
  const src = sourcesOf(d);
  const now = d.now();
  const request = { select: selectionOf(req), force: req.force };
  const history = { ...historyOf(d.journal, d.lock, d.config, now), lastRestart: {} };
  const decision = decide(snapshotOf(d.config, src.report(), { now, history, api: undefined }, request));
  return runCliDecision(d, req, src, decision, false);
}

/** `wbguard restart …` (and the timers' `--leaking --yes`): the restart use case, as the verb runs it. */
export async function cliRestart(d: DoorDeps, req: CliRequest): Promise<CliOutcome> {
  const src = sourcesOf(d);
  const decision = planRestart(src, { select: selectionOf(req), force: req.force });
  return runCliDecision(d, req, src, decision, true);
}

/** `POST /api/v1/restart` with a bearer token, through the daemon's hono app; resolves with the HTTP status. */
export async function apiRestart(
  app: { request: (url: string, init: RequestInit) => Response | Promise<Response> },
  token: string,
  names: readonly string[] | undefined,
): Promise<{ status: number; results: readonly NodeResult[] }> {
  const res = await app.request('http://127.0.0.1/api/v1/restart', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(names ? { names } : { all: true }),
  });
  const body = (await res.json()) as { results?: NodeResult[] };
  return { status: res.status, results: body.results ?? [] };
}
