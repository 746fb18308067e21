/**
 * @module app/cli/commands/import-script
 * `wbguard import-script` (placeholder until its issue lands).
 */
import { WbguardError } from '../../../errors.js';
import type { RegisterVerb } from './types.js';

export const registerImportScript: RegisterVerb = (program) => {
  program
    .command('import-script')
    .description('not implemented yet')
    .action(() => {
      throw new WbguardError('WBGUARD_ERR_NOT_IMPLEMENTED', 'import-script is not implemented yet');
    });
};
