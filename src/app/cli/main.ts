#!/usr/bin/env node
/**
 * @module app/cli/main
 * Entry point of the `wbguard` binary: runs the CLI and exits with its code once output is flushed.
 */
import { runCli } from './program.js';

// `wbguard analyze … | head` closes our stdout early: that is the reader's choice, not an error to crash on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      process.exit(process.exitCode ?? 0);
    }
    throw err;
  });
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
