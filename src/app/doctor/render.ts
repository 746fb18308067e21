/**
 * @module app/doctor/render
 * The doctor's checks as terminal text: one line per check (✔ / ! / ✘, what, the fact), further lines of a fact
 * (an MMP's output) indented under it, and `fix:` under every failure; a last line counts them.
 */
import { printableLines } from '../../core/text/printable.js';
import type { Check, CheckStatus } from './check.js';

/**
 * Text a server sent (an MMP's output, a syslog line) keeps its line breaks — the renderer indents them — and shows
 * every other control character escaped, so it cannot move the cursor or recolour the terminal.
 */
const shown = printableLines;

const MARK: Record<CheckStatus, string> = { ok: '✔', warn: '!', fail: '✘' };
const COLOUR: Record<CheckStatus, string> = { ok: '\u001b[32m', warn: '\u001b[33m', fail: '\u001b[31m' };

export function renderChecks(checks: readonly Check[], colour: boolean): string {
  const lines: string[] = [];
  let area = '';
  for (const c of checks) {
    if (c.area !== area) {
      area = c.area;
      lines.push(`${lines.length > 0 ? '\n' : ''}${area}`);
    }
    const mark = colour ? `${COLOUR[c.status]}${MARK[c.status]}\u001b[0m` : MARK[c.status];
    const [first, ...rest] = shown(c.fact).split('\n');
    lines.push(`  ${mark} ${shown(c.subject)}: ${first}`);
    for (const r of rest) {
      lines.push(`      | ${r}`);
    }
    if (c.fix) {
      lines.push(`      fix: ${shown(c.fix)}`);
    }
  }
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  lines.push(
    `\n${count('ok')} ✔  ${count('warn')} !  ${count('fail')} ✘${count('fail') > 0 ? '  (exit 1: fix each ✘ above)' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
