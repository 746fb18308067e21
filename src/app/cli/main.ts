#!/usr/bin/env node
/**
 * @module app/cli/main
 * Entry point of the `wbguard` binary: runs the CLI and exits with its code once output is flushed.
 */
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
