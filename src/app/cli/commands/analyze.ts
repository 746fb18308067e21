/**
 * @module app/cli/commands/analyze
 * `wbguard analyze PATH...`: finds the Web Bridge session leak in CMS logs (files, folders, .gz, logbundle.tar.gz,
 * stdin) and prints a summary, one JSON document (`--json`) and/or a self-contained HTML page (`--html FILE`).
 */
import { writeFile } from 'node:fs/promises';
import { Option } from '@commander-js/extra-typings';
import type cliProgress from 'cli-progress';
// Straight from its module: the parse index would load every parser into the main thread, which only merges.
import { DEFAULT_JOIN_REFUSAL_SETTINGS, LEVEL_WORD, MAX_LEVEL_WORDS } from '../../../core/parse/join-refusal.js';
import { isValidTimeZone } from '../../../core/parse/zoned-time.js';
import { printable } from '../../../core/text/printable.js';
import { EXIT, UsageError } from '../../../errors.js';
// Straight from its module: the config index would load the schema (zod) into every verb's start-up.
import { joinRefusalSettings } from '../../config/join-refusal.js';
import { MAX_JOBS, parseIntFlag } from '../flags.js';
import { useColour, write } from '../io.js';
import type { RegisterVerb } from './types.js';

/** Show a progress bar only for inputs this large (and only on a terminal). */
const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

function parseInstant(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const t = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(t)) {
    throw new UsageError(`${flag} is not a date [value:${value}]`, {
      hint: 'use ISO-8601, e.g. 2026-11-20 or 2026-11-20T02:00:00Z',
    });
  }
  return t;
}

/** Writes the HTML report; a path that cannot be written becomes a message naming it (the caller goes on). */
async function writeHtml(path: string, html: string): Promise<string | undefined> {
  try {
    await writeFile(path, html);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT'
        ? 'its folder does not exist'
        : e.code === 'EACCES' || e.code === 'EPERM'
          ? 'permission denied'
          : e.code === 'EISDIR'
            ? 'it is a folder'
            : e.message;
    return `wbguard: cannot write the HTML report to ${path}: ${why}\n  fix: give --html a file in a folder that exists and that you can write to\n`;
  }
}

/** A `--join-refused` value that compiles as the configuration's patterns do (in any case), else a usage error. */
function checkPattern(pattern: string): string {
  try {
    new RegExp(pattern, 'i');
  } catch (err) {
    throw new UsageError(`--join-refused is not a regular expression [value:${pattern}]: ${(err as Error).message}`, {
      hint: "e.g. --join-refused 'too many participants' (docs/analyze.md)",
    });
  }
  return pattern;
}

/** `--join-refused-levels`: comma-separated words, or `any` for every line. */
function parseLevels(value: string): string[] {
  if (value.trim() === 'any') {
    return [];
  }
  const words = value.split(',').map((w) => w.trim());
  if (words.some((w) => !LEVEL_WORD.test(w)) || words.length > MAX_LEVEL_WORDS) {
    throw new UsageError(
      `--join-refused-levels takes up to ${MAX_LEVEL_WORDS} words without spaces, or any [value:${value}]`,
      {
        hint: 'e.g. --join-refused-levels ERROR,WARN',
      },
    );
  }
  return words;
}

export const registerAnalyze: RegisterVerb = (program, io, result) => {
  program
    .command('analyze')
    .description('find the Web Bridge session leak in CMS logs and forecast the limit')
    .argument('<paths...>', 'log files, folders, .gz, .tar(.gz) / logbundle.tar.gz, or - for stdin')
    .option('--json', 'print one JSON document instead of the summary')
    .option('--html <file>', 'also write a self-contained HTML page with charts')
    .option('--since <time>', 'only lines at or after this instant (ISO-8601)')
    .option('--until <time>', 'only lines before this instant (ISO-8601)')
    .option('--year <year>', 'year of BSD stamps, which carry none (default: each file’s modification year)')
    .option('--tz <zone>', 'IANA time zone of stamps without a zone', 'UTC')
    .option('--limit <n>', 'Web Bridge session limit', '149')
    .addOption(
      new Option('--cma-clients <kind>', 'CMA clients in use: webrtc-only, or mixed (desktop/iOS too)')
        .choices(['webrtc-only', 'mixed'] as const)
        .default('webrtc-only' as const),
    )
    .option('--stale-after <minutes>', 'a node with no sample for this long is stale', '15')
    .option(
      '--config <file>',
      'map syslog hosts to node names with the webbridges/callbridges of this config, and take its analysis settings (limit, cmaClients, staleAfterMs, joinRefused*) where no flag says otherwise',
    )
    .option(
      '--join-refused <pattern>',
      'what a refused join looks like: a regular expression, in any case (repeat for several; replaces the assumed wording and the config’s)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--join-refused-levels <words>',
      'a refused join is only looked for in lines holding one of these words (comma-separated; default ERROR,WARN; any: every line)',
    )
    .option('--no-versions', 'with --config: do not ask the CMS APIs of the config which version each node runs')
    .option(
      '--jobs <n>',
      'worker threads reading files; 0 reads in the main thread (default: from 1 GiB of input, or from a million records estimated from samples of it, one per core when several files are given, one per other core reading segments of a single file)',
    )
    .addHelpText(
      'after',
      `
Examples:
  wbguard analyze /var/log/cms/                     # every log below a folder
  wbguard analyze logbundle.tar.gz --html leak.html # a CMS log bundle, with charts for a support case
  zcat syslog.*.gz | wbguard analyze - --json       # stdin, machine-readable

Exit status: 0 analysed, 1 some input could not be read (the rest was analysed), no CMS log line was found or
the HTML report could not be written (the summary is still printed), 2 usage error.`,
    )
    .action(async (paths, opts, command) => {
      if (!isValidTimeZone(opts.tz)) {
        throw new UsageError(`--tz is not a known time zone [value:${opts.tz}]`, {
          hint: 'use an IANA name such as UTC or Europe/Berlin',
        });
      }
      const since = parseInstant('--since', opts.since);
      const until = parseInstant('--until', opts.until);
      if (since !== undefined && until !== undefined && since >= until) {
        throw new UsageError('--since must be before --until');
      }
      const year = parseIntFlag('--year', opts.year, 1970, 9999);
      const limit = parseIntFlag('--limit', opts.limit, 1, 100_000) as number;
      const staleMinutes = parseIntFlag('--stale-after', opts.staleAfter, 1, 525_600) as number;
      const jobs = parseIntFlag('--jobs', opts.jobs, 0, MAX_JOBS);
      const refusedPatterns = opts.joinRefused?.map((p) => checkPattern(p));
      const refusedLevels = opts.joinRefusedLevels === undefined ? undefined : parseLevels(opts.joinRefusedLevels);
      // Loaded here, not at start-up, and only what this run needs: every verb would pay for analyze's modules
      // otherwise, and a YAML parser, a report renderer or a progress bar not used still cost start-up time.
      const showProgress = Boolean(io.stderr.isTTY) && !io.env.CI;
      const [{ analyzePaths }, names, progress] = await Promise.all([
        import('../../analyze/index.js'),
        opts.config
          ? import('../../analyze/node-names.js').then((m) => m.readNodeNames(opts.config as string))
          : undefined,
        showProgress ? import('cli-progress').then((m) => m.default) : undefined,
      ]);
      // With --config, its analysis section stands where a flag was not given: the same settings as `wbguard run`.
      const fromConfig = (flag: 'limit' | 'cmaClients' | 'staleAfter') =>
        command.getOptionValueSource(flag) === 'default' ? names?.analysis : undefined;
      const configured = names ? joinRefusalSettings(names) : DEFAULT_JOIN_REFUSAL_SETTINGS;
      let bar: cliProgress.SingleBar | undefined;
      const { report, series, errors } = await analyzePaths(paths, {
        ...(year === undefined ? {} : { year }),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
        timeZone: opts.tz,
        limit: fromConfig('limit')?.limit ?? limit,
        cmaClients: fromConfig('cmaClients')?.cmaClients ?? opts.cmaClients,
        staleAfterMs: fromConfig('staleAfter')?.staleAfterMs ?? staleMinutes * 60_000,
        ...(names ? { webbridgeNames: names.webbridgeNames, callbridgeNames: names.callbridgeNames } : {}),
        joinRefusal: {
          patterns: refusedPatterns ?? configured.patterns,
          levels: refusedLevels ?? configured.levels,
        },
        // The process' own standard input is read from its descriptor (faster than Node's stream of it).
        ...(io.stdinIsProcess ? {} : { stdin: io.stdin }),
        ...(jobs === undefined ? {} : { workers: jobs }),
        // `--json` alone prints the report only: no chart series to build.
        series: !opts.json || opts.html !== undefined,
        onProgress(done, total) {
          if (!progress || total < PROGRESS_MIN_BYTES) {
            return;
          }
          if (!bar) {
            bar = new progress.SingleBar(
              {
                stream: io.stderr,
                format: '{phase} [{bar}] {percentage}% | {value}/{total} MB',
                hideCursor: true,
              },
              progress.Presets.shades_classic,
            );
            bar.start(Math.ceil(total / 1e6), 0, { phase: 'reading logs' });
          }
          bar.update(Math.floor(done / 1e6));
        },
        // Many files are merged once all are read: the bar, full by then, says so rather than seem stuck.
        onMerge() {
          bar?.update({ phase: 'merging records' });
        },
      });
      bar?.stop();
      // With --config, each Call Bridge's CMS API says which version it runs (read-only, 5 s at most per node).
      const versions =
        opts.config && opts.versions
          ? await (await import('../../analyze/versions.js')).readVersions(opts.config, io.env)
          : undefined;
      // Inputs that could not be read are named first: before a report, never after one that hides them.
      for (const e of errors) {
        await write(io.stderr, `wbguard: cannot read ${printable(e.path)}: ${printable(e.message)}\n`);
      }
      // Binary files, empty files and empty folders hold no CMS line: an empty report would look like a clean bill
      // (when nothing could be read at all, the lines above already said why).
      if (report.webbridges.length === 0 && report.callbridges.length === 0) {
        if (errors.length > 0 && report.lines.read === 0) {
          result.exitCode = EXIT.FAILURE;
          return;
        }
        await write(
          io.stderr,
          `wbguard: no CMS log line found [${paths.join(' ')}; lines read: ${report.lines.read}]\n` +
            '  fix: give the CMS syslog files, a folder of them or a logbundle.tar.gz (docs/analyze.md)\n',
        );
        result.exitCode = EXIT.FAILURE;
        return;
      }
      const htmlError = opts.html
        ? await writeHtml(
            opts.html,
            (await import('../../report/html-report.js')).renderHtmlReport(report, series, new Date().toISOString()),
          )
        : undefined;
      if (opts.json) {
        await write(io.stdout, `${JSON.stringify({ ...report, errors, ...(versions ? { versions } : {}) })}\n`);
      } else {
        const { renderTextReport } = await import('../../report/text-report.js');
        await write(
          io.stdout,
          renderTextReport(report, series, { colour: useColour(io), width: io.stdout.columns ?? 100, errors }),
        );
        if (versions) {
          const { versionLines } = await import('../../analyze/versions.js');
          await write(io.stdout, versionLines(versions));
        }
        if (opts.html && !htmlError) {
          await write(io.stdout, `HTML report written to ${opts.html}\n`);
        }
      }
      if (htmlError) {
        await write(io.stderr, htmlError);
      }
      result.exitCode = errors.length > 0 || htmlError ? EXIT.FAILURE : EXIT.OK;
    });
};
