#!/usr/bin/env node
/**
 * @module app/cli/main
 * Entry point of the `wbguard` binary: runs the CLI and exits with its code once output is flushed.
 */
// `wbguard analyze … | head` closes our stdout early: that is the reader's choice, not an error to crash on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      process.exit(process.exitCode ?? 0);
    }
    throw err;
  });
}

const argv = process.argv.slice(2);
// `analyze` reads a gigabyte or more of large files (or a million records) in scan workers: started now, their
// start-up overlaps the CLI's own (commander, the verbs: loaded below, not statically, for that reason) instead of
// following it (prestart.ts).
if (argv[0] === 'analyze') {
  (await import('./prestart.js')).prestartAnalyzeWorkers(argv.slice(1));
}
const { runCli } = await import('./program.js');
const code = await runCli(argv);
process.exitCode = code;
