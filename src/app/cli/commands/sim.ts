/**
 * @module app/cli/commands/sim
 * `wbguard sim` (placeholder until its issue lands).
 */
import { WbguardError } from '../../../errors.js';
import type { RegisterVerb } from './types.js';

export const registerSim: RegisterVerb = (program) => {
  program
    .command('sim')
    .description('not implemented yet')
    .action(() => {
      throw new WbguardError('WBGUARD_ERR_NOT_IMPLEMENTED', 'sim is not implemented yet');
    });
};
