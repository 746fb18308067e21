/**
 * @module app/cli/commands/trust
 * `wbguard trust` (placeholder until its issue lands).
 */
import { WbguardError } from '../../../errors.js';
import type { RegisterVerb } from './types.js';

export const registerTrust: RegisterVerb = (program) => {
  program
    .command('trust')
    .description('not implemented yet')
    .action(() => {
      throw new WbguardError('WBGUARD_ERR_NOT_IMPLEMENTED', 'trust is not implemented yet');
    });
};
