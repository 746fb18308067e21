/**
 * @module app/cli/commands/types
 * The shape of a verb module: it adds its subcommand (with --help text and an example) to the program.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.js';
import type { VerbResult } from '../program.js';

export type RegisterVerb = (program: Command, io: CliIo, result: VerbResult) => void;
