/**
 * @module app/cli/commands/analyze
 * `wbguard analyze` (placeholder until its issue lands).
 */
import { WbguardError } from '../../../errors.js';
import type { RegisterVerb } from './types.js';

export const registerAnalyze: RegisterVerb = (program) => {
  program
    .command('analyze')
    .description('not implemented yet')
    .action(() => {
      throw new WbguardError('WBGUARD_ERR_NOT_IMPLEMENTED', 'analyze is not implemented yet');
    });
};
