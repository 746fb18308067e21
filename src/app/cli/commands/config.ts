/**
 * @module app/cli/commands/config
 * `wbguard config` (placeholder until its issue lands).
 */
import { WbguardError } from '../../../errors.js';
import type { RegisterVerb } from './types.js';

export const registerConfig: RegisterVerb = (program) => {
  program
    .command('config')
    .description('not implemented yet')
    .action(() => {
      throw new WbguardError('WBGUARD_ERR_NOT_IMPLEMENTED', 'config is not implemented yet');
    });
};
