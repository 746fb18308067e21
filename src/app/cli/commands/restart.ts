/**
 * @module app/cli/commands/restart
 * `wbguard restart` (placeholder until its issue lands).
 */
import { WbguardError } from '../../../errors.js';
import type { RegisterVerb } from './types.js';

export const registerRestart: RegisterVerb = (program) => {
  program
    .command('restart')
    .description('not implemented yet')
    .action(() => {
      throw new WbguardError('WBGUARD_ERR_NOT_IMPLEMENTED', 'restart is not implemented yet');
    });
};
