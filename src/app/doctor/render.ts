/**
 * @module app/doctor/render
 * The doctor's checks as terminal text: one line per check (✔ / ! / ✘, what, the fact), further lines of a fact
 * (an MMP's output) indented under it, and `fix:` under every failure; a last line counts them.
 */
import type { Check, CheckStatus } from './check.js';

/**
 * Control characters (an escape sequence in an MMP's output or a syslog line) shown as `\xNN`, so what a server
 * sends cannot move the cursor or recolour the terminal.
 */
function shown(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

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
