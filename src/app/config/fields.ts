/**
 * @module app/config/fields
 * The value types the configuration is built from (addresses, CIDRs, fingerprints, cron patterns, times, zones,
 * secret references), each with a message that says what is expected. No message ever repeats the value it
 * rejects: a misplaced password must not end up in a terminal or a log.
 */
import { isIP } from 'node:net';
import { Cron } from 'croner';
import { z } from 'zod';
import { checkHostPort } from './host-port.js';
import { isSecretReference, Secret, type SecretSource } from './secrets.js';

/** Marks an issue with the stable error code it stands for (read back by the issue formatter). */
export const PLAINTEXT_CODE = 'WBGUARD_ERR_SECRET_PLAINTEXT';

/**
 * A secret: `env:NAME`, `file:PATH`, or (from code only) a `Secret`. Anything else is refused as a plain secret,
 * naming the key but never the value.
 */
export const secretRef = z
  .custom<SecretSource>((v) => typeof v === 'string' || v instanceof Secret, {
    message: 'expected a secret reference: env:NAME or file:/path',
  })
  .superRefine((v, ctx) => {
    if (typeof v === 'string' && !isSecretReference(v)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a plain value where a secret belongs is refused: write env:NAME or file:/path (chmod 600); the value is not shown',
        params: { wbguardCode: PLAINTEXT_CODE },
      });
    }
  })
  .meta({ 'x-wbguard-type': 'secret reference' });

/** A file given as `/path` or `file:/path` (certificates, CA bundles: not secret, but the same spelling is accepted). */
export const filePath = z
  .string()
  .min(1)
  .transform((v) => (v.startsWith('file:') ? v.slice(5) : v))
  .refine((v) => v.length > 0, 'empty path')
  .meta({ 'x-wbguard-type': 'path' });

/** Where to connect: `host[:port]`, port 1-65535. */
export function peerAddress(defaultPort: number) {
  return z
    .string()
    .superRefine((v, ctx) => {
      const r = checkHostPort(v, defaultPort, 1);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: `must be host[:port] (IPv6 as [addr]:port): ${r.problem}` });
      }
    })
    .meta({ 'x-wbguard-type': 'host[:port]' });
}

/** Where to listen: `host:port`; port 0 asks the system for a free port (tests, the demo). */
export function listenAddress(defaultPort: number) {
  return z
    .string()
    .superRefine((v, ctx) => {
      const r = checkHostPort(v, defaultPort, 0);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: `must be host:port (IPv6 as [addr]:port): ${r.problem}` });
      }
    })
    .meta({ 'x-wbguard-type': 'host:port' });
}

export const port = z.number().int().min(1).max(65535);

/** An address or a CIDR block, IPv4 or IPv6: `10.0.0.0/24`, `10.0.0.5`, `2001:db8::/32`. */
export const cidr = z
  .string()
  .refine((v) => {
    const [addr = '', prefix, ...rest] = v.split('/');
    const family = isIP(addr);
    if (family === 0 || rest.length > 0) {
      return false;
    }
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  }, 'must be an address or CIDR block, e.g. 10.0.0.0/24 or 2001:db8::/32')
  .meta({ 'x-wbguard-type': 'CIDR' });

/** OpenSSH's fingerprint form: what `ssh-keygen -lf` and `wbguard trust` print. */
export const fingerprint = z
  .string()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}$/,
    'must be an OpenSSH SHA256 fingerprint (SHA256: and 43 base64 characters, as ssh-keygen -lf prints)',
  )
  .meta({ 'x-wbguard-type': 'SHA256 fingerprint' });

/** A node or cluster name: used in plans, journal entries, metric labels and file names, so kept simple. */
export const nodeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, . _ - (up to 63, starting with a letter or digit)')
  .meta({ 'x-wbguard-type': 'name' });

export const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h, 00:00-23:59)')
  .meta({ 'x-wbguard-type': 'HH:MM' });

export const timeZone = z
  .string()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone (use an IANA name such as Europe/Berlin, or UTC)')
  .meta({ 'x-wbguard-type': 'IANA time zone' });

/** Five fields only: croner would also take seconds and years, which cron, systemd and Task Scheduler would not. */
export const cronPattern = z
  .string()
  .refine((p) => {
    try {
      new Cron(p, { paused: true, mode: '5-part' });
      return true;
    } catch {
      return false;
    }
  }, 'not a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 2 * * 6"')
  .meta({ 'x-wbguard-type': 'cron (5 fields)' });

/** A calendar date that exists (2026-02-30 does not). */
export const isoDate = z
  .string()
  .refine((v) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (!m) {
      return false;
    }
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.toISOString().slice(0, 10) === v;
  }, 'must be a date YYYY-MM-DD that exists')
  .meta({ 'x-wbguard-type': 'YYYY-MM-DD' });

/** An e-mail address, as far as a configuration can tell. */
export const email = z
  .string()
  .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an e-mail address (name@example.com)')
  .meta({ 'x-wbguard-type': 'e-mail address' });

/** A regular expression in source form. */
export const regexSource = z
  .string()
  .refine((v) => {
    try {
      new RegExp(v);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression')
  .meta({ 'x-wbguard-type': 'regular expression' });

/** A whole number of milliseconds in a range. */
export function millis(min: number, max: number) {
  return z.number().int().min(min).max(max);
}

/** An https:// URL without credentials in it (a password in a URL would be a plain secret in the file). */
export const httpsUrl = z
  .string()
  .superRefine((v, ctx) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a URL such as https://10.0.0.11:445/api/v1' });
      return;
    }
    if (u.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be https:// (the CMS API is served over HTTPS only)' });
    }
    if (u.username !== '' || u.password !== '') {
      ctx.addIssue({
        code: 'custom',
        message: 'must not hold a user or password: give them as username and password (by reference)',
        params: { wbguardCode: PLAINTEXT_CODE },
      });
    }
  })
  .meta({ 'x-wbguard-type': 'https URL' });
