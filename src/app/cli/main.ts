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
// `analyze` reads a gigabyte or more of large files in scan workers: start them now, so that their start-up overlaps
// the CLI's own (commander, the verbs: loaded below, not statically, for that reason) instead of following it. The
// arguments are not parsed yet: every one that is a file or folder counts, and the decision is the analysis's own
// (app/analyze/worker-decision.ts); the analysis decides again on the sources it lists and ends the workers it does
// not use. A single large file is read in segments by this thread and a worker per other core: those are started.
// Below those sizes no worker is started (unless the files hold many records: a sample of them is counted): on a
// 2-core machine two starting beside the main thread cost it 0.1–0.2 s of CPU for nothing.
if (argv[0] === 'analyze' && !argv.includes('--jobs')) {
  const [{ scanWorkersToPrestart }, { prestartScanWorkers }] = await Promise.all([
    import('../analyze/input-size.js'),
    import('../analyze/scan-pool.js'),
  ]);
  const workers = scanWorkersToPrestart(argv.slice(1));
  if (workers > 0) {
    prestartScanWorkers(workers);
  }
}
const { runCli } = await import('./program.js');
const code = await runCli(argv);
process.exitCode = code;
