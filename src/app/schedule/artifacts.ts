/**
 * @module app/schedule/artifacts
 * What `wbguard schedule --print KIND` writes: a hardened systemd service for the daemon, and — for those who keep a
 * timer as Cisco's note does — a cron line, a systemd timer (with its one-shot service) and a Windows Task
 * Scheduler task, each running one guarded `wbguard restart --leaking --yes` at a cron expression
 * (default Saturday 02:00, as in the note).
 */
import { Cron } from 'croner';
import { UsageError } from '../../errors.js';

export interface ScheduleOptions {
  /** 5-field cron expression. @default '0 2 * * 6' */
  readonly cron: string;
  readonly config: string;
  /** Absolute path of the wbguard executable. */
  readonly wbguard: string;
  /** Logs for the restart's session data (`--logs`), when no daemon store is used. */
  readonly logs?: string;
  readonly user: string;
  readonly stateDir: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function fields(cron: string): [string, string, string, string, string] {
  try {
    new Cron(cron, { paused: true, mode: '5-part' });
  } catch (err) {
    throw new UsageError(`not a 5-field cron expression [cron:${cron}]: ${(err as Error).message}`);
  }
  return cron.trim().split(/\s+/) as [string, string, string, string, string];
}

function restartCommand(o: ScheduleOptions): string {
  return `${o.wbguard} restart --leaking --yes --config ${o.config}${o.logs ? ` --logs ${o.logs}` : ''}`;
}

export function cronLine(o: ScheduleOptions): string {
  fields(o.cron);
  return `# wbguard: guarded restart of leaking Web Bridges (exit 3 = a guard refused, 1 = a restart failed)\n${o.cron} ${o.user} ${restartCommand(o)} >> ${o.stateDir}/schedule.log 2>&1\n`;
}

/** systemd OnCalendar= for the simple cron shapes (numbers, lists, ranges, *); others are refused with a hint. */
export function onCalendar(cron: string): string {
  const [min, hour, dom, mon, dow] = fields(cron);
  const simple = /^(\*|\d+(-\d+)?(,\d+(-\d+)?)*)$/;
  for (const f of [min, hour, dom, mon, dow]) {
    if (!simple.test(f)) {
      throw new UsageError(`cannot turn this cron field into a systemd calendar [field:${f}]`, {
        hint: 'use numbers, lists and ranges, or print --print cron',
      });
    }
  }
  const days =
    dow === '*'
      ? ''
      : `${dow
          .split(',')
          .map((d) =>
            d
              .split('-')
              .map((x) => DAYS[Number(x) % 7])
              .join('..'),
          )
          .join(',')} `;
  const conv = (f: string) => (f === '*' ? '*' : f.replace(/-/g, '..'));
  return `${days}*-${conv(mon)}-${conv(dom)} ${conv(hour)}:${conv(min)}:00`;
}

export function systemdService(o: ScheduleOptions): string {
  return `[Unit]
Description=wbguard: guards Cisco Meeting Server Web Bridge 2 against the session leak (CSCvt73723)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${o.user}
Group=${o.user}
ExecStart=${o.wbguard} run --config ${o.config}
# SIGHUP reloads the configuration (a bad one is refused, the guard keeps running); SIGTERM abandons a restart in
# flight cleanly, with a journal entry.
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=5s
# Secrets: referenced as env:NAME in the configuration; keep them out of the unit.
EnvironmentFile=-/etc/wbguard/environment
StateDirectory=wbguard
StateDirectoryMode=0700
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
ReadWritePaths=${o.stateDir}
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
AmbientCapabilities=CAP_NET_BIND_SERVICE
UMask=0077

[Install]
WantedBy=multi-user.target
`;
}

export function systemdTimer(o: ScheduleOptions): { timer: string; service: string } {
  return {
    timer: `[Unit]
Description=wbguard: guarded restart of leaking Web Bridges (${o.cron})

[Timer]
OnCalendar=${onCalendar(o.cron)}
# A missed run is never caught up: a restart outside its window could drop meetings.
Persistent=false

[Install]
WantedBy=timers.target
`,
    service: `[Unit]
Description=wbguard: one guarded restart of leaking Web Bridges

[Service]
Type=oneshot
User=${o.user}
ExecStart=${restartCommand(o)}
# 3 = a guard refused (not a failure of the unit)
SuccessExitStatus=3
EnvironmentFile=-/etc/wbguard/environment
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=${o.stateDir}
UMask=0077
`,
  };
}

function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A Task Scheduler task (schtasks /create /xml) for weekly or daily schedules at a fixed time. */
export function windowsTask(o: ScheduleOptions & { windowsWbguard?: string }): { xml: string; schtasks: string } {
  const [min, hour, dom, mon, dow] = fields(o.cron);
  if (!/^\d+$/.test(min) || !/^\d+$/.test(hour) || dom !== '*' || mon !== '*') {
    throw new UsageError(`Task Scheduler takes a fixed time on some weekdays [cron:${o.cron}]`, {
      hint: 'e.g. "0 2 * * 6" (Saturday 02:00)',
    });
  }
  const start = `2026-01-01T${hour.padStart(2, '0')}:${min.padStart(2, '0')}:00`;
  const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const weekdays =
    dow === '*'
      ? []
      : dow.split(',').flatMap((d) => {
          const [a, b] = d.split('-').map(Number) as [number, number | undefined];
          return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => names[(a + i) % 7] as string);
        });
  const trigger =
    weekdays.length === 0
      ? `<CalendarTrigger><StartBoundary>${start}</StartBoundary><Enabled>true</Enabled><ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay></CalendarTrigger>`
      : `<CalendarTrigger><StartBoundary>${start}</StartBoundary><Enabled>true</Enabled><ScheduleByWeek><WeeksInterval>1</WeeksInterval><DaysOfWeek>${weekdays.map((d) => `<${d} />`).join('')}</DaysOfWeek></ScheduleByWeek></CalendarTrigger>`;
  const exe = o.windowsWbguard ?? 'C:\\Program Files\\nodejs\\wbguard.cmd';
  const args = `restart --leaking --yes --config ${o.config}${o.logs ? ` --logs ${o.logs}` : ''}`;
  const xml = `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>wbguard: guarded restart of leaking Web Bridges (replaces Cisco's webbridge restart script)</Description></RegistrationInfo>
  <Triggers>${trigger}</Triggers>
  <Principals><Principal id="Author"><LogonType>S4U</LogonType><RunLevel>LeastPrivilege</RunLevel></Principal></Principals>
  <Settings><MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy><StartWhenAvailable>false</StartWhenAvailable><ExecutionTimeLimit>PT2H</ExecutionTimeLimit><Enabled>true</Enabled></Settings>
  <Actions Context="Author"><Exec><Command>${xmlEscape(exe)}</Command><Arguments>${xmlEscape(args)}</Arguments></Exec></Actions>
</Task>
`;
  const sc =
    weekdays.length === 0 ? '/sc DAILY' : `/sc WEEKLY /d ${weekdays.map((d) => d.slice(0, 3).toUpperCase()).join(',')}`;
  const schtasks = `schtasks /create /tn "wbguard restart" /tr "\\"${exe}\\" ${args}" ${sc} /st ${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
  return { xml, schtasks };
}
