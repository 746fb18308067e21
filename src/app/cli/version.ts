/**
 * @module app/cli/version
 * The package version, read from package.json at run time so it is never written twice.
 */
import { readFileSync } from 'node:fs';

function findVersion(): string {
  // The package root is three levels up from src/app/cli, four from dist/src/app/cli, two from dist/bundle (the
  // installed CLI: scripts/bundle.ts); the name check keeps another package's file from answering.
  for (const rel of ['../../../package.json', '../../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'wbguard' && pkg.version) {
        return pkg.version;
      }
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const VERSION = findVersion();
