/**
 * Alert channels against receivers the test starts: a JSON webhook, Webex- and Slack-shaped bodies on a real HTTP
 * server, and e-mail through a real SMTP server with STARTTLS and authentication. No secret in any message or error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AlertDeliveryError } from '../../../src/adapters/alerts/channel.js';
import { httpChannel } from '../../../src/adapters/alerts/http-channel.js';
import { smtpChannel } from '../../../src/adapters/alerts/smtp-channel.js';
import type { AlertNotice } from '../../../src/core/alerts/index.js';
import { httpReceiver, smtpReceiver } from '../../helpers/receivers.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const TOKEN = 'hook-Token-5ecret';
const PASSWORD = 'smtp-Pa55-5ecret';

const notice = (kind: AlertNotice['kind'], subject = 'wb1'): AlertNotice => ({
  kind,
  at: T0 + 60_000,
  since: T0,
  condition: {
    key: `leak:c1:${subject}`,
    event: 'leak',
    cluster: 'c1',
    subject,
    severity: 'warning',
    summary: `${subject} has leaked at least 25 sessions (alert at 20)`,
    facts: { leakedMin: 25, threshold: 20 },
  },
});

describe('webhook channels', () => {
  test('the generic webhook posts one JSON body per notice', async (t) => {
    const rx = await httpReceiver();
    t.after(() => rx.close());
    const ch = httpChannel({ name: 'ops', type: 'webhook', url: () => `${rx.url}/hooks/${TOKEN}` });
    await ch.send([notice('firing'), notice('recovered', 'wb2')]);
    assert.equal(rx.posts.length, 2);
    const bodies = rx.posts.map((p) => JSON.parse(p.body) as Record<string, unknown>);
    assert.deepEqual(
      bodies.map((b) => [b.status, b.event, b.subject, b.cluster]),
      [
        ['firing', 'leak', 'wb1', 'c1'],
        ['recovered', 'leak', 'wb2', 'c1'],
      ],
    );
    assert.equal(rx.posts[0]?.headers['content-type'], 'application/json');
    assert.equal(rx.posts[0]?.path, `/hooks/${TOKEN}`);
    for (const p of rx.posts) {
      assert.ok(!p.body.includes(TOKEN));
    }
  });

  test('Webex gets markdown, Slack gets text, one message per check', async (t) => {
    const rx = await httpReceiver();
    t.after(() => rx.close());
    await httpChannel({ name: 'webex', type: 'webex', url: () => `${rx.url}/webex` }).send([
      notice('firing'),
      notice('firing', 'wb2'),
    ]);
    await httpChannel({ name: 'slack', type: 'slack', url: () => `${rx.url}/slack` }).send([notice('repeat')]);
    assert.equal(rx.posts.length, 2);
    const webex = JSON.parse(rx.posts[0]?.body ?? '{}') as { markdown?: string };
    assert.match(webex.markdown ?? '', /\*\*ALERT\*\* — wb1 has leaked/);
    assert.match(webex.markdown ?? '', /wb2 has leaked/);
    const slack = JSON.parse(rx.posts[1]?.body ?? '{}') as { text?: string };
    assert.match(slack.text ?? '', /\*\*STILL\*\* — wb1 has leaked.*since 2026-11-24T12:00:00.000Z, 1 min/);
  });

  test('a refusing or absent receiver is a clear error that never holds the URL', async (t) => {
    const rx = await httpReceiver();
    t.after(() => rx.close());
    rx.status = 500;
    const ch = httpChannel({ name: 'ops', type: 'webhook', url: () => `${rx.url}/hooks/${TOKEN}` });
    await assert.rejects(ch.send([notice('firing')]), (err: Error) => {
      assert.ok(err instanceof AlertDeliveryError);
      assert.match(err.message, /alert channel ops: the receiver answered HTTP 500/);
      assert.ok(!err.message.includes(TOKEN));
      return true;
    });
    await rx.close();
    await assert.rejects(ch.send([notice('firing')]), (err: Error) => {
      assert.match(err.message, /request failed \(ECONNREFUSED\)/);
      assert.ok(!err.message.includes(TOKEN) && !err.message.includes(rx.url));
      return true;
    });
  });
});

describe('e-mail channel', () => {
  test('STARTTLS, login, one e-mail per check, no password in it', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wbguard-smtp-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const rx = await smtpReceiver(dir, 'alerts', PASSWORD);
    t.after(() => rx.close());
    const ch = smtpChannel({
      name: 'mail',
      host: '127.0.0.1',
      port: rx.port,
      starttls: true,
      user: 'alerts',
      password: () => PASSWORD,
      from: 'wbguard@example.org',
      to: ['ops@example.org', 'noc@example.org'],
      ca: readFileSync(rx.certPath, 'utf8'),
    });
    t.after(() => ch.close());
    await ch.send([notice('firing'), notice('recovered', 'wb2')]);
    assert.equal(rx.messages.length, 1);
    const m = rx.messages[0];
    assert.equal(m?.secure, true, 'the message went over STARTTLS');
    assert.equal(m?.user, 'alerts');
    assert.deepEqual(m?.to, ['ops@example.org', 'noc@example.org']);
    assert.match(m?.raw ?? '', /Subject: \[wbguard ALERT\] c1: leak wb1 \(\+1 more\)/);
    assert.match(m?.raw ?? '', /Recovered: wb2 has leaked/);
    assert.ok(!m?.raw.includes(PASSWORD));
  });

  test('a wrong password and an untrusted certificate are refused with clear errors and no secret', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wbguard-smtp-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const rx = await smtpReceiver(dir, 'alerts', PASSWORD);
    t.after(() => rx.close());
    const base = {
      name: 'mail',
      host: '127.0.0.1',
      port: rx.port,
      starttls: true,
      user: 'alerts',
      from: 'wbguard@example.org',
      to: ['ops@example.org'],
    };
    const wrong = smtpChannel({ ...base, password: () => 'not-it', ca: readFileSync(rx.certPath, 'utf8') });
    await assert.rejects(wrong.send([notice('firing')]), (err: Error) => {
      assert.match(err.message, /alert channel mail: the SMTP server answered 535/);
      assert.ok(!err.message.includes('not-it'));
      return true;
    });
    const untrusted = smtpChannel({ ...base, password: () => PASSWORD });
    await assert.rejects(untrusted.send([notice('firing')]), /alert channel mail: sending failed/);
    assert.equal(rx.messages.length, 0);
    assert.ok(rx.logins.every((l) => !l.ok));
  });
});
