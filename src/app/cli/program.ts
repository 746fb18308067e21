/**
 * @module app/cli/program
 * Builds the `wbguard` command tree and runs it, mapping every failure to one line and an exit code
 * (0 ok, 1 failure, 2 usage/config error, 3 refused by a safety guard).
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { printable, printableLines } from '../../core/text/printable.js';
import { EXIT, WbguardError } from '../../errors.js';
import { VERBS } from './commands/index.js';
import { type CliIo, processIo, write } from './io.js';
import { VERSION } from './version.js';

/** A verb sets this to tell the runner its exit code without throwing (e.g. 1 after a partial failure). */
export interface VerbResult {
  exitCode: number;
}

export function buildProgram(io: CliIo, result: VerbResult): Command {
  const program = new Command('wbguard')
    .description('Guards Cisco Meeting Server Web Bridge 2 against the CSCvt73723 session leak')
    .version(VERSION, '-V, --version')
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  for (const register of VERBS) {
    register(program as unknown as Command, io, result);
  }
  return program;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. Never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const result: VerbResult = { exitCode: EXIT.OK };
  const program = buildProgram(io, result);
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version "errors" are successful exits
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return EXIT.OK;
      }
      return EXIT.USAGE;
    }
    if (err instanceof WbguardError) {
      // Messages carry context from the outside (a path, a host, a daemon's answer): shown, never obeyed.
      await write(io.stderr, `wbguard: ${printable(err.message)}\n`);
      if (err instanceof Error && 'issues' in err && Array.isArray(err.issues)) {
        for (const issue of err.issues) {
          await write(io.stderr, `  - ${printable(String(issue))}\n`);
        }
      }
      if (err.hint) {
        await write(io.stderr, `  fix: ${printable(err.hint)}\n`);
      }
      if (verbose && err.stack) {
        await write(io.stderr, `${printableLines(err.stack)}\n`);
      }
      return err.exitCode;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    await write(io.stderr, `wbguard: unexpected error: ${printable(e.message)}\n`);
    if (verbose && e.stack) {
      await write(io.stderr, `${printableLines(e.stack)}\n`);
    } else {
      await write(io.stderr, '  (run again with --verbose for the stack trace)\n');
    }
    return EXIT.FAILURE;
  }
}
