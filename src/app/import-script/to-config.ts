/**
 * @module app/import-script/to-config
 * Writes the wbguard configuration for an inventory read from Cisco's script: Web Bridges cms1..N with their MMP
 * address, the MMP user, the password by reference (never the script's), host keys left to `wbguard trust`.
 * YAML text rather than a serialised object, so the file explains itself to whoever opens it next.
 */
import type { CiscoInventory } from './cisco-script.js';
import { mmpAddress } from './cisco-script.js';

export const PASSWORD_VARIABLE = 'WBGUARD_MMP_PASSWORD';

export interface ImportedConfigOptions {
  /** Names the script in the header comment. */
  readonly source: string;
  /** @default '/var/lib/wbguard' */
  readonly state?: string;
}

/** The wbguard configuration (YAML text) for an inventory. */
export function configFromInventory(inv: CiscoInventory, options: ImportedConfigOptions | string): string {
  const { source, state = '/var/lib/wbguard' } = typeof options === 'string' ? { source: options } : options;
  const names = inv.webbridges.map((_w, i) => `cms${i + 1}`);
  return [
    `# wbguard configuration, made by wbguard import-script from ${source}.`,
    "# The script's password was NOT copied: wbguard reads it from the reference in mmp.password below.",
    '# Next: wbguard config check, then wbguard trust --all (records each MMP host key in mmp.knownHosts),',
    '# then wbguard restart --leaking --logs <your CMS syslog files> --dry-run. See docs/migration.md.',
    '',
    'cluster: cms',
    '',
    "# One entry per key of the script's webbridges = {...}. Set syslogHost where a server names itself",
    '# differently in syslog than here (its hostname on the MMP).',
    'webbridges:',
    ...inv.webbridges.flatMap((w, i) => [
      `  - name: ${names[i]}                     # script key ${JSON.stringify(w.key)}`,
      `    mmp: ${JSON.stringify(mmpAddress(w.host, inv.port))}`,
      `    #syslogHost: ${names[i]}`,
    ]),
    '',
    "# Call Bridges whose CMA counts bound the real sessions: Cisco's script had none. These assume each server",
    '# also runs a Call Bridge; adjust names and syslogHost to what your syslog shows.',
    'callbridges:',
    ...names.map((n) => `  - name: ${n}`),
    '',
    'mmp:',
    `  username: ${JSON.stringify(inv.username ?? 'admin')}`,
    `  password: env:${PASSWORD_VARIABLE}   # or file:/etc/wbguard/mmp-password (chmod 600)`,
    `  knownHosts: ${JSON.stringify(`${state}/known_hosts`)}`,
    ...(inv.restartCommand ? [`  restartCommand: ${JSON.stringify(inv.restartCommand)}`] : []),
    '',
    "# The guards Cisco's script did not have: restart only when idle and when the leak makes it worth it.",
    'restart:',
    '  maxActiveSessions: 0',
    '  leakThreshold: 20',
    '  maxPerDay: 1',
    '',
    `state: ${JSON.stringify(state)}          # webbridge_restart_logs.txt (same lines as the script's) is written here`,
    '',
    "# wbguard run: plan (dry-run) on Cisco's weekly schedule first; switch to enforce once the plans look right.",
    'policy:',
    '  mode: dry-run',
    '  schedule: "0 2 * * 6"       # Saturday 02:00, as the note\'s cron example',
    '  tz: UTC                     # set the time zone your old cron job ran in, e.g. Europe/Berlin',
    '',
  ].join('\n');
}
