/**
 * Scheduler artefacts are checked by what reads them: systemd-analyze verify (Debian's systemd), croner parsing the
 * cron line back to the same next runs, and the Task Scheduler schema's required elements.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Cron } from 'croner';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { runCli } from '../../../src/app/cli/program.js';
import {
  cronLine,
  onCalendar,
  systemdService,
  systemdTimer,
  windowsTask,
} from '../../../src/app/schedule/artifacts.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { run } from '../../helpers/run.js';
import { tempDir } from '../../sim/helpers.js';

const base = {
  cron: '0 2 * * 6',
  config: '/etc/wbguard/config.yaml',
  wbguard: '/usr/local/bin/wbguard',
  user: 'wbguard',
  stateDir: '/var/lib/wbguard',
};

describe('wbguard schedule', () => {
  test('the cron line parses back to the same next runs', () => {
    const line = cronLine(base)
      .split('\n')
      .find((l) => l && !l.startsWith('#')) as string;
    const expr = line.split(/\s+/).slice(0, 5).join(' ');
    const from = new Date(Date.UTC(2026, 10, 24, 12));
    const a = new Cron(expr, { paused: true, timezone: 'UTC' }).nextRuns(4, from).map((d) => d.toISOString());
    const b = new Cron(base.cron, { paused: true, timezone: 'UTC' }).nextRuns(4, from).map((d) => d.toISOString());
    assert.deepEqual(a, b);
    assert.deepEqual(a, [
      '2026-11-28T02:00:00.000Z',
      '2026-12-05T02:00:00.000Z',
      '2026-12-12T02:00:00.000Z',
      '2026-12-19T02:00:00.000Z',
    ]);
    assert.match(line, /restart --leaking --yes --config \/etc\/wbguard\/config\.yaml/);
  });

  test('systemd units pass systemd-analyze verify; the timer fires when the cron expression does', async (t) => {
    const dir = tempDir(t, 'wbguard-units-');
    const bin = join(dir, 'wbguard');
    writeFileSync(bin, '#!/bin/sh\nexit 0\n');
    chmodSync(bin, 0o755);
    const o = { ...base, wbguard: bin };
    const units = join(dir, 'units');
    mkdirSync(units);
    writeFileSync(join(units, 'wbguard.service'), systemdService(o));
    const tm = systemdTimer(o);
    writeFileSync(join(units, 'wbguard-restart.timer'), tm.timer);
    writeFileSync(join(units, 'wbguard-restart.service'), tm.service);
    // systemd-analyze exits 0 even on bad keys; it reports them on stderr with the file's path.
    const problems = async (file: string) => {
      const r = await run('systemd-analyze', ['verify', '--man=no', file]);
      return `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes(file));
    };
    writeFileSync(join(units, 'broken.service'), '[Service]\nExecStart=/bin/true\nProtectSystem=banana\nBogusKey=1\n');
    assert.equal((await problems(join(units, 'broken.service'))).length, 2, 'the check sees a broken unit');
    for (const unit of ['wbguard.service', 'wbguard-restart.timer', 'wbguard-restart.service']) {
      assert.deepEqual(await problems(join(units, unit)), [], unit);
    }
    assert.match(
      systemdService(o),
      /NoNewPrivileges=yes[\s\S]*ProtectSystem=strict[\s\S]*ReadWritePaths=\/var\/lib\/wbguard[\s\S]*Restart=on-failure|Restart=on-failure[\s\S]*NoNewPrivileges=yes/,
    );
    const cal = await run(
      'systemd-analyze',
      ['calendar', '--iterations=2', '--base-time=2026-11-24 12:00:00 UTC', onCalendar(base.cron)],
      { env: { ...process.env, TZ: 'UTC' } },
    );
    assert.equal(cal.status, 0, cal.stderr);
    assert.match(cal.stdout, /Sat 2026-11-28 02:00:00 UTC/);
    assert.match(cal.stdout, /Sat 2026-12-05 02:00:00 UTC/);
  });

  test('the Task Scheduler XML is valid and has the required elements', () => {
    const w = windowsTask({ ...base, cron: '30 2 * * 6,0' });
    assert.equal(XMLValidator.validate(w.xml), true);
    const task = new XMLParser({ ignoreAttributes: false }).parse(w.xml).Task;
    for (const k of ['Triggers', 'Actions', 'Settings', 'Principals', 'RegistrationInfo']) {
      assert.ok(k in task, k);
    }
    const trig = task.Triggers.CalendarTrigger;
    assert.equal(trig.StartBoundary, '2026-01-01T02:30:00');
    assert.deepEqual(Object.keys(trig.ScheduleByWeek.DaysOfWeek).sort(), ['Saturday', 'Sunday']);
    assert.match(task.Actions.Exec.Arguments, /^restart --leaking --yes --config /);
    assert.match(w.schtasks, /\/sc WEEKLY \/d SAT,SUN \/st 02:30$/);
    assert.throws(() => windowsTask({ ...base, cron: '*/5 * * * *' }), /fixed time/);
  });

  test('the verb: bad cron is a usage error; output goes to stdout', async () => {
    const io = memoryIo();
    assert.equal(await runCli(['schedule', '--print', 'cron', '--cron', '61 * * * *'], io), 2);
    assert.match(io.err(), /not a 5-field cron expression/);
    const ok = memoryIo();
    assert.equal(await runCli(['schedule', '--print', 'systemd'], ok), 0);
    assert.match(ok.out(), /^\[Unit\]/);
  });
});
