/**
 * @module app/cli/commands/restart
 * `wbguard restart`: Cisco's workaround made safe. Prints the plan (every guard's verdict and numbers), then
 * restarts the eligible Web Bridges one at a time over SSH, verifying each back before the next.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Selection } from '../../../core/decision/snapshot.js';
import { printable, printableLines } from '../../../core/text/printable.js';
import { EXIT, UsageError } from '../../../errors.js';
import type { RestartSources } from '../../restart/restart-use-case.js';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

async function confirm(io: Parameters<RegisterVerb>[1], question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return answer.trim().toLowerCase() === 'yes';
}

export const registerRestart: RegisterVerb = (program, io, result) => {
  program
    .command('restart')
    .description('restart Web Bridges safely: guards, one at a time, each verified back')
    .argument('[names...]', 'Web Bridges to consider (names from the config)')
    .option(
      '--cluster <name>',
      'with several clusters in the configuration: the one to act on (required then; --logs should be its logs)',
    )
    .option('--all', 'consider every configured Web Bridge')
    .option('--leaking', 'consider the Web Bridges whose leak makes a restart worth it')
    .option(
      '--config <file>',
      'configuration file (default: $WBGUARD_CONFIG, ./wbguard.yaml, /etc/wbguard/config.yaml)',
    )
    .option('--logs <paths...>', 'CMS logs to read the session counts from (files, folders, .gz, bundles)')
    .option('--year <year>', 'year of BSD stamps in the logs')
    .option('--tz <zone>', 'time zone of stamps without one', 'UTC')
    .option('--dry-run', 'print the plan and stop')
    .option('--yes', 'go ahead without asking (needed without a terminal)')
    .option('--force', 'skip the guards that need session data (idle, worth it, fresh); never the others')
    .option(
      '--keep-going',
      'after a failure, go on asking about the next Web Bridges (each is held back while the failed one counts as down: docs/guards.md)',
    )
    .option('--json', 'print the plan and the results as one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  wbguard restart --leaking --logs /var/log/cms --dry-run     # what would be restarted, and why
  wbguard restart cms2 --logs /var/log/cms --yes              # restart cms2 if every guard agrees
  wbguard restart --all --force --yes                         # no session data: restart anyway, one at a time

Exit status: 0 done, 1 a restart failed, 2 usage/config error (or no terminal and no --yes), 3 refused by a guard.`,
    )
    .action(async (names, opts) => {
      const [
        {
          loadConfig,
          resolveConfigPath,
          webbridgeNameMap,
          callbridgeNameMap,
          clustersOf,
          scopeToCluster,
          joinRefusalSettings,
        },
        { analyzePaths },
        plan,
        useCase,
        verifiers,
        wiring,
        { JsonlJournal },
        { FileRestartLock },
        { planEntry },
      ] = await Promise.all([
        import('../../config/index.js'),
        import('../../analyze/index.js'),
        import('../../restart/plan.js'),
        import('../../restart/restart-use-case.js'),
        import('../../restart/verifiers.js'),
        import('../../restart/mmp-wiring.js'),
        import('../../../adapters/journal/jsonl-journal.js'),
        import('../../../adapters/lock/file-lock.js'),
        import('../../../core/journal/entries.js'),
      ]);
      const selectors = [names.length > 0, Boolean(opts.all), Boolean(opts.leaking)].filter(Boolean).length;
      if (selectors !== 1) {
        throw new UsageError('say which Web Bridges: NAME..., --all or --leaking (exactly one)');
      }
      const loaded = await loadConfig(resolveConfigPath(opts.config, io.env), { env: io.env });
      // One cluster at a time: its own nodes, policy, lock and journal entries (config/scope.ts).
      const views = clustersOf(loaded);
      const view = opts.cluster
        ? views.find((k) => k.name === opts.cluster)
        : views.length === 1
          ? views[0]
          : undefined;
      if (!view) {
        throw new UsageError(
          opts.cluster
            ? `unknown cluster: ${opts.cluster} (configured: ${views.map((k) => k.name).join(', ')})`
            : `the configuration describes several clusters: say which with --cluster (${views.map((k) => k.name).join(', ')})`,
        );
      }
      const config = scopeToCluster(loaded, view);
      for (const n of names) {
        wiring.targetFor(config, n);
      }
      // Session data: --logs, else the store of a daemon sharing this state folder (wbguard run), else only --force.
      const storePath = join(config.state, 'wbguard.db');
      const fromStore = !opts.logs && existsSync(storePath);
      if (!opts.logs && !fromStore && !opts.force) {
        throw new UsageError(
          'no session data: give --logs PATH... (the logs your syslog server keeps), run wbguard run with this state folder, or --force to skip the guards that need it',
        );
      }
      const analyzeOptions = {
        webbridgeNames: webbridgeNameMap(config),
        callbridgeNames: callbridgeNameMap(config),
        limit: config.analysis.limit,
        cmaClients: config.analysis.cmaClients,
        staleAfterMs: config.analysis.staleAfterMs,
        joinRefusal: joinRefusalSettings(config),
        timeZone: opts.tz,
        ...(opts.year ? { year: Number(opts.year) } : {}),
        stdin: io.stdin,
      };
      const readAnalysis = async () =>
        opts.logs
          ? await analyzePaths(opts.logs, analyzeOptions)
          : fromStore
            ? (await import('../../analyze/from-store.js')).analysisFromStore(storePath, {
                ...analyzeOptions,
                // The store holds every cluster's records: this cluster's hosts only, or its Σ would count the others.
                ...(views.length > 1
                  ? {
                      hosts: new Set([
                        ...analyzeOptions.webbridgeNames.keys(),
                        ...analyzeOptions.callbridgeNames.keys(),
                      ]),
                    }
                  : {}),
              })
            : undefined;
      let analysis = await readAnalysis();
      for (const e of analysis?.errors ?? []) {
        await write(io.stderr, `wbguard: cannot read ${printable(e.path)}: ${printable(e.message)}\n`);
      }
      const journal = new JsonlJournal(config.state, config.journal);
      const lock = new FileRestartLock(config.state);
      let apiRealSessions = await countByApi(config, io);
      // The same use case and decision as the API, the dashboard and the daemon (core/decision/decide.ts).
      const src: RestartSources = {
        config,
        report: () => analysis?.report,
        api: () => apiRealSessions,
        journal,
        lock,
        now: Date.now,
      };
      const select: Selection = opts.all
        ? { kind: 'all' }
        : opts.leaking
          ? { kind: 'leaking' }
          : { kind: 'names', names: names as string[] };
      const decision = useCase.planRestart(src, { select, force: Boolean(opts.force) });
      const rolling = decision.plan;
      if (opts.force) {
        await write(
          io.stderr,
          'wbguard: WARNING --force: the idle, worth-it and fresh guards are skipped; live meetings on these Web Bridges WILL be dropped\n',
        );
      }
      const planDoc = { order: rolling.order, decisions: rolling.decisions };
      if (!opts.json) {
        await write(io.stdout, printableLines(plan.renderPlan(rolling, decision.selectedBecause)));
        // Every considered Web Bridge's numbers, also those --leaking found not worth a restart.
        const left = config.webbridges.map((w) => w.name).filter((n) => !decision.considered.includes(n));
        if (opts.leaking && left.length > 0) {
          const rest = useCase.planRestart(src, {
            select: { kind: 'names', names: left },
            force: Boolean(opts.force),
          });
          await write(io.stdout, printableLines(plan.renderNotWorthIt(rest.plan, decision.considered.length === 0)));
        }
      }
      if (opts.dryRun || rolling.order.length === 0) {
        if (opts.json) {
          await write(io.stdout, `${JSON.stringify({ dryRun: Boolean(opts.dryRun), plan: planDoc, results: [] })}\n`);
        }
        journal.append(
          planEntry({
            at: decision.now,
            trigger: `cli:${userInfo().username}`,
            cluster: config.cluster,
            dryRun: Boolean(opts.dryRun),
            plan: planDoc,
          }),
        );
        result.exitCode = useCase.exitStatusOf(decision, [], Boolean(opts.dryRun));
        return;
      }
      if (!opts.yes) {
        if (!io.stdin.isTTY) {
          throw new UsageError('refusing to restart without a terminal to confirm on', {
            hint: 'add --yes to go ahead, or --dry-run to see the plan',
          });
        }
        if (
          !(await confirm(
            io,
            `Restart ${rolling.order.join(', ')} now? Live WebRTC sessions on them are dropped. Type yes: `,
          ))
        ) {
          await write(io.stderr, 'wbguard: not confirmed, nothing done\n');
          result.exitCode = EXIT.REFUSED;
          return;
        }
      }
      const mmp = wiring.mmpClientFor(config, io.env);
      const results = await useCase.runRestart(
        src,
        decision,
        {
          mmp,
          journal,
          targetOf: (n) => wiring.targetFor(config, n),
          verifiersFor: (n, restartAt) => {
            const target = wiring.targetFor(config, n);
            const list = [
              verifiers.mmpStatusVerifier(
                mmp,
                target,
                config.mmp.statusCommand,
                config.mmp.statusPattern,
                config.mmp.commandTimeoutMs,
              ),
            ];
            if (opts.logs) {
              list.push(
                verifiers.logStatsVerifier(opts.logs, analyzeOptions, n, restartAt, config.restart.leakThreshold),
              );
            }
            const webPort = config.webbridges.find((w) => w.name === n)?.webPort;
            if (webPort) {
              list.push(verifiers.tcpProbeVerifier(target.host, webPort));
            }
            return list;
          },
          // Like the daemon's runs, each Web Bridge is asked about again just before its command, on data read
          // again (a guest may have joined, another process may have restarted one since the plan).
          recheck: {
            window: false,
            force: Boolean(opts.force),
            refresh: async () => {
              analysis = (await readAnalysis()) ?? analysis;
              apiRealSessions = await countByApi(config, io);
            },
          },
          trigger: `cli:${userInfo().username}${opts.force ? ':force' : ''}`,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          // A reading's detail may quote an MMP's output: shown, never obeyed by the terminal.
          onProgress: opts.json ? undefined : (line) => void write(io.stdout, `${printable(line)}\n`),
        },
        { keepGoing: Boolean(opts.keepGoing) },
      );
      if (opts.json) {
        await write(io.stdout, `${JSON.stringify({ dryRun: false, plan: planDoc, results })}\n`);
      } else {
        await write(io.stdout, `Results:\n${printableLines(plan.renderResults(results))}`);
      }
      result.exitCode = useCase.exitStatusOf(decision, results, false);
    });
};

/**
 * The cluster's real sessions by the CMS API, counted now, when every Call Bridge has one: a guest who joined after
 * the logs' last STATS line then defers the restart (the idle guard takes the fresher count). Any failure falls back
 * to the logs' evidence, said on stderr.
 */
async function countByApi(
  config: import('../../config/index.js').WbguardConfig,
  io: import('../io.js').CliIo,
): Promise<{ count: number; at: number } | undefined> {
  if (config.callbridges.length === 0 || !config.callbridges.every((c) => c.api)) {
    return undefined;
  }
  const { ApiPoller } = await import('../../daemon/api-poller.js');
  const poller = new ApiPoller(config, Date.now);
  try {
    await poller.pollAll();
    for (const v of poller.views().filter((x) => x.error)) {
      await write(io.stderr, `wbguard: CMS API of ${v.name}: ${v.error?.code} (the logs' counts are used)\n`);
    }
    return poller.realSessions(config.restart.staleAfterMs);
  } finally {
    await poller.close();
  }
}
