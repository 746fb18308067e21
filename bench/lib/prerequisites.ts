/**
 * What the benchmarks run beside wbguard, checked before any of them starts: a figure that cannot be reproduced for
 * want of a tool must say so at once, with the package to install, not end as a report missing a column.
 */
import { existsSync } from 'node:fs';

interface Tool {
  readonly path: string;
  readonly debianPackage: string;
  /** The benchmarks (`--only` names) that need it. */
  readonly neededBy: readonly string[];
}

const TOOLS: readonly Tool[] = [
  { path: '/usr/bin/time', debianPackage: 'time', neededBy: ['analyze', 'analyze-shapes', 'analyze-files'] },
  { path: '/usr/sbin/rsyslogd', debianPackage: 'rsyslog', neededBy: ['ingest'] },
];

/**
 * The tools missing for the benchmarks `only` selects (all of them when undefined), as one line naming the Debian
 * packages to install; undefined when nothing is missing. (python3, for the ingest benchmark's null sink, is
 * optional: without it a Node sink is used and its figure labelled a lower bound.)
 */
export function missingPrerequisites(only: string | undefined): string | undefined {
  const missing = TOOLS.filter((t) => (only === undefined || t.neededBy.includes(only)) && !existsSync(t.path));
  if (missing.length === 0) {
    return undefined;
  }
  return `npm run bench: ${missing.map((t) => t.path).join(', ')} not found; install the Debian package${missing.length > 1 ? 's' : ''}: sudo apt-get install ${missing.map((t) => t.debianPackage).join(' ')}`;
}
