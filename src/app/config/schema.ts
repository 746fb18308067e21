/**
 * @module app/config/schema
 * The one schema of wbguard's YAML configuration: every key, its default and its description (docs/configuration.md
 * is generated from it). Unknown keys are rejected with their path. Secrets are references (`env:NAME`,
 * `file:PATH`); a plain value where a secret belongs is refused without ever being echoed.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { SECRET_REFERENCE } from './secret.js';

const secretRef = z.string().refine((v) => SECRET_REFERENCE.test(v), {
  message: 'must be a reference (env:NAME or file:/path): a secret is never written in the configuration itself',
});

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)(:\d{1,5})?$/;
const hostPort = z
  .string()
  .regex(HOST_PORT, 'must be host or host:port (IPv6 as [addr]:port)')
  .refine((v) => {
    const m = /:(\d+)$/.exec(v.startsWith('[') ? v.slice(v.indexOf(']')) : v);
    return !m || (Number(m[1]) >= 1 && Number(m[1]) <= 65535);
  }, 'port must be 1-65535');
/** A listen address: port 0 asks the system for a free port (tests, the demo). */
const listenAddr = z
  .string()
  .regex(HOST_PORT, 'must be host:port (IPv6 as [addr]:port)')
  .refine((v) => {
    const m = /:(\d+)$/.exec(v.startsWith('[') ? v.slice(v.indexOf(']')) : v);
    return !m || Number(m[1]) <= 65535;
  }, 'port must be 0-65535');
const fingerprint = z
  .string()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}$/,
    'must be an OpenSSH SHA256 fingerprint (SHA256: and 43 base64 characters, as ssh-keygen -lf prints)',
  );
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, . _ - (up to 63)');
const cidr = z.string().regex(/^([0-9.]+|[0-9a-fA-F:]+)(\/\d{1,3})?$/, 'must be an address or CIDR, e.g. 10.0.0.0/24');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone (use an IANA name such as Europe/Berlin)');
const cron = z.string().refine((p) => {
  try {
    new Cron(p, { paused: true, mode: '5-part' });
    return true;
  } catch {
    return false;
  }
}, 'not a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 2 * * 6"');

export const WebBridgeSchema = z
  .object({
    name: name.describe('Node name used everywhere (plans, journal, metrics).'),
    mmp: hostPort.describe('host[:port] of the MMP SSH service (default port 22).'),
    syslogHost: z.string().min(1).optional().describe('How this node appears as host in syslog. Default: name.'),
    hostKey: fingerprint
      .optional()
      .describe('Pinned SSH host key fingerprint. Or record it in mmp.knownHosts with `wbguard trust`.'),
    webPort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('Web Bridge HTTPS port to probe after a restart (optional).'),
  })
  .strict();

export const CallBridgeSchema = z
  .object({
    name: name.describe('Node name.'),
    syslogHost: z.string().min(1).optional().describe('How this node appears as host in syslog. Default: name.'),
    api: z
      .object({
        url: z.string().url().describe('Base URL of the CMS API, e.g. https://10.0.0.11:445/api/v1.'),
        username: z.string().min(1).describe('API user (MMP role api).'),
        password: secretRef.describe('Reference to the API password.'),
        ca: z.string().optional().describe('PEM file of the CA that signed the Web Admin certificate.'),
        insecure: z.boolean().default(false).describe('Skip TLS verification (warned about at every start).'),
        pollMs: z
          .number()
          .int()
          .min(1000)
          .max(3_600_000)
          .default(15_000)
          .describe('Time between two counts of the call legs.'),
      })
      .strict()
      .optional()
      .describe('CMS REST API of this Call Bridge (optional).'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    cluster: name.default('cluster').describe('Name of the CMS cluster.'),
    webbridges: z.array(WebBridgeSchema).default([]).describe('Web Bridge 2 nodes wbguard watches and may restart.'),
    callbridges: z
      .array(CallBridgeSchema)
      .default([])
      .describe('Call Bridge nodes whose CMA counts bound real sessions.'),
    mmp: z
      .object({
        username: z.string().min(1).default('admin').describe('MMP user wbguard logs in as.'),
        password: secretRef.optional().describe('Reference to the MMP password (env:NAME or file:PATH, chmod 600).'),
        privateKey: secretRef.optional().describe('Reference to an SSH private key file (file:PATH).'),
        passphrase: secretRef.optional().describe('Reference to the private key passphrase.'),
        agent: z.boolean().default(false).describe('Authenticate with the SSH agent at SSH_AUTH_SOCK.'),
        knownHosts: z
          .string()
          .optional()
          .describe('OpenSSH known_hosts file holding the MMPs host keys (written by `wbguard trust`).'),
        connectTimeoutMs: z
          .number()
          .int()
          .min(100)
          .max(600_000)
          .default(10_000)
          .describe('Time to connect and authenticate.'),
        commandTimeoutMs: z
          .number()
          .int()
          .min(100)
          .max(3_600_000)
          .default(60_000)
          .describe('Time for one MMP command to finish.'),
        restartCommand: z.string().min(1).default('webbridge restart').describe('Command that restarts a Web Bridge.'),
        statusCommand: z
          .string()
          .min(1)
          .default('webbridge')
          .describe('Command whose output shows the Web Bridge is back.'),
        statusPattern: z
          .string()
          .default('')
          .describe(
            'Regular expression the status output must match to count as healthy (empty: exit 0 and no FAILURE).',
          ),
      })
      .strict()
      .prefault({})
      .describe('How to reach the MMPs over SSH.'),
    restart: z
      .object({
        maxActiveSessions: z
          .number()
          .int()
          .min(0)
          .max(149)
          .default(0)
          .describe('Idle guard: real sessions allowed on a Web Bridge at restart.'),
        leakThreshold: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .default(20)
          .describe('Worth-it guard: restart when at least this many sessions are provably leaked.'),
        nearLimitMargin: z
          .number()
          .int()
          .min(0)
          .max(149)
          .default(5)
          .describe('Worth-it guard: also restart when active ≥ limit − this.'),
        staleAfterMs: z
          .number()
          .int()
          .min(1000)
          .default(900_000)
          .describe('Fresh guard: older data defers the decision.'),
        verifyTimeoutMs: z
          .number()
          .int()
          .min(1000)
          .max(3_600_000)
          .default(300_000)
          .describe('Time for a restarted Web Bridge to be verified back.'),
        verifyHealthyReadings: z
          .number()
          .int()
          .min(1)
          .max(20)
          .default(2)
          .describe('Consecutive healthy readings that verify a restart.'),
        verifyIntervalMs: z
          .number()
          .int()
          .min(100)
          .max(600_000)
          .default(5000)
          .describe('Time between verification readings.'),
        maxPerDay: z
          .number()
          .int()
          .min(1)
          .max(24)
          .default(1)
          .describe('At most this many restarts of one Web Bridge per day (UTC).'),
      })
      .strict()
      .prefault({})
      .describe('The restart guards (docs/guards.md).'),
    analysis: z
      .object({
        limit: z.number().int().min(1).max(10_000).default(149).describe('Web Bridge session limit.'),
        cmaClients: z
          .enum(['webrtc-only', 'mixed'])
          .default('webrtc-only')
          .describe('mixed when CMA desktop/iOS clients are in use.'),
        staleAfterMs: z
          .number()
          .int()
          .min(1000)
          .default(900_000)
          .describe('A node with no sample for this long is stale.'),
      })
      .strict()
      .prefault({}),
    state: z.string().default('/var/lib/wbguard').describe('State folder: journal, restart log, lock, store.'),
    store: z.string().default('sqlite').describe('sqlite, or a postgres:// URL (password by reference).'),
    syslog: z
      .object({
        udp: listenAddr.optional().describe('UDP listener host:port.'),
        tcp: listenAddr.optional().describe('TCP listener host:port (LF or octet-counted framing).'),
        tls: z
          .object({
            listen: listenAddr.describe('TLS listener host:port (6514 is the RFC 5425 port).'),
            cert: z.string().min(1).describe('PEM file of the server certificate (and chain).'),
            key: secretRef.describe('Reference to the PEM private key (file:/path, chmod 600).'),
            ca: z.string().optional().describe('PEM file of the CA that signs client certificates.'),
            requireClientCert: z.boolean().default(false).describe('Require and verify a client certificate.'),
          })
          .strict()
          .optional()
          .describe('TLS listener (RFC 5425).'),
        allow: z.array(cidr).default([]).describe('Source addresses allowed to send (empty: any).'),
        maxFrameBytes: z.number().int().min(1024).max(1_048_576).default(65_536),
      })
      .strict()
      .optional()
      .describe('Syslog listeners of `wbguard run`.'),
    files: z
      .array(z.object({ path: z.string().min(1) }).strict())
      .default([])
      .describe(
        'Log files written by a syslog server (* and ? allowed in the file name), followed instead of or beside listening.',
      ),
    http: z
      .object({
        listen: listenAddr
          .default('127.0.0.1:8080')
          .describe('Address of the HTTP API and /metrics (loopback unless you mean otherwise).'),
        token: secretRef.optional().describe('Bearer token for anything that acts.'),
        publicReadOnly: z.boolean().default(false),
      })
      .strict()
      .optional()
      .describe('Dashboard, API and metrics of `wbguard run`.'),
    policy: z
      .object({
        mode: z.enum(['observe', 'dry-run', 'enforce']).default('dry-run'),
        schedule: cron.optional().describe('Cron trigger, e.g. "0 2 * * 6" (Saturday 02:00, as in Cisco\'s note).'),
        leakTrigger: z.boolean().default(true),
        forecastWithinHours: z
          .number()
          .min(0)
          .max(24 * 365)
          .default(24),
        windows: z
          .array(
            z
              .object({
                days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
                from: hhmm,
                to: hhmm,
                tz: timeZone.default('UTC'),
              })
              .strict(),
          )
          .default([]),
        blackouts: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).default([]),
      })
      .strict()
      .optional()
      .describe('When `wbguard run` may restart.'),
    alerts: z
      .array(
        z.discriminatedUnion('type', [
          z.object({ type: z.literal('webhook'), url: secretRef }).strict(),
          z.object({ type: z.literal('webex'), url: secretRef }).strict(),
          z.object({ type: z.literal('slack'), url: secretRef }).strict(),
          z
            .object({
              type: z.literal('email'),
              host: z.string().min(1),
              port: z.number().int().min(1).max(65535).default(587),
              starttls: z.boolean().default(true),
              user: z.string().optional(),
              password: secretRef.optional(),
              from: z.string().min(3),
              to: z.array(z.string().min(3)).min(1),
            })
            .strict(),
        ]),
      )
      .default([]),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.webbridges.forEach((w, i) => {
      if (seen.has(w.name)) {
        ctx.addIssue({ code: 'custom', path: ['webbridges', i, 'name'], message: `duplicate name ${w.name}` });
      }
      seen.add(w.name);
    });
    const cbSeen = new Set<string>();
    c.callbridges.forEach((cb, i) => {
      if (cbSeen.has(cb.name)) {
        ctx.addIssue({ code: 'custom', path: ['callbridges', i, 'name'], message: `duplicate name ${cb.name}` });
      }
      cbSeen.add(cb.name);
    });
    if (c.mmp.passphrase && !c.mmp.privateKey) {
      ctx.addIssue({ code: 'custom', path: ['mmp', 'passphrase'], message: 'a passphrase needs mmp.privateKey' });
    }
  });

export type WbguardConfigInput = z.input<typeof ConfigSchema>;
export type ParsedConfig = z.output<typeof ConfigSchema>;
