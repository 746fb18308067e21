/**
 * @module app/config/schema
 * The one schema of wbguard's YAML configuration: every key, its default and its description (docs/configuration.md
 * is generated from it). Objects are strict, so an unknown key (a typo) is an error with its path rather than a
 * setting silently ignored. Secrets are references (`env:NAME`, `file:PATH`); a plain value where a secret belongs
 * is refused without ever being echoed. Rules that relate several keys live in `cross-checks.ts`.
 */
import { z } from 'zod';
import { ALERT_EVENTS } from '../../core/alerts/conditions.js';
import {
  DEFAULT_JOIN_REFUSED_PATTERN_SOURCES,
  LEVEL_SUBSTRINGS,
  LEVEL_WORD,
  MAX_LEVEL_WORDS,
} from '../../core/parse/join-refusal.js';
import { crossCheck } from './cross-checks.js';
import {
  cidr,
  cronPattern,
  email,
  filePath,
  fingerprint,
  hhmm,
  httpsUrl,
  isoDate,
  listenAddress,
  millis,
  nodeName,
  peerAddress,
  port,
  regexSource,
  secretRef,
  timeZone,
} from './fields.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const WebBridgeSchema = z
  .object({
    name: nodeName.describe('Node name used everywhere (plans, journal, metrics, `wbguard restart NAME`).'),
    mmp: peerAddress(22).describe(
      'host[:port] of the MMP SSH service of this server (default port 22; IPv6 as `[2001:db8::1]:22`).',
    ),
    syslogHost: z
      .string()
      .min(1)
      .optional()
      .describe('How this server names itself as the host of its syslog lines. Default: name.'),
    hostKey: fingerprint
      .optional()
      .describe(
        'Pinned SSH host key fingerprint (`SHA256:…`, as `ssh-keygen -lf` prints). Or let `wbguard trust` record the key in mmp.knownHosts.',
      ),
    webPort: port
      .optional()
      .describe(
        'Web Bridge HTTPS port: after a restart it must accept a TCP connection again (a further check that it is back).',
      ),
  })
  .strict();

export const CallBridgeApiSchema = z
  .object({
    url: httpsUrl.describe('Base URL of the CMS API (Web Admin), e.g. `https://10.0.0.11:445/api/v1` (with /api/v1).'),
    username: z.string().min(1).describe('API user (an MMP user with the api role).'),
    password: secretRef.describe('The API password, by reference.'),
    ca: filePath
      .optional()
      .describe('PEM file of the CA that signed the Web Admin certificate (`/path` or `file:/path`).'),
    insecure: z
      .boolean()
      .default(false)
      .describe('Skip TLS certificate verification. Warned about at every start; never with ca.'),
    pollMs: millis(1000, HOUR).default(15_000).describe('Time between two counts of the call legs.'),
  })
  .strict();

export const CallBridgeSchema = z
  .object({
    name: nodeName.describe('Node name.'),
    syslogHost: z
      .string()
      .min(1)
      .optional()
      .describe('How this server names itself as the host of its syslog lines. Default: name.'),
    api: CallBridgeApiSchema.optional().describe(
      'CMS REST API of this Call Bridge: real CMA leg counts every pollMs instead of every 5 minutes (optional).',
    ),
  })
  .strict();

export const MmpSchema = z
  .object({
    username: z.string().min(1).default('admin').describe('MMP user wbguard logs in as.'),
    password: secretRef
      .optional()
      .describe('The MMP password, by reference (`env:NAME`, or `file:PATH` readable only by its owner).'),
    privateKey: secretRef
      .optional()
      .describe('SSH private key (OpenSSH or PEM), by reference: usually `file:/etc/wbguard/id_ed25519` (chmod 600).'),
    passphrase: secretRef.optional().describe('Passphrase of the private key, by reference.'),
    agent: z.boolean().default(false).describe('Also offer the keys of the SSH agent at SSH_AUTH_SOCK.'),
    knownHosts: z
      .string()
      .min(1)
      .optional()
      .describe(
        'OpenSSH known_hosts file with the MMPs’ host keys (`wbguard trust` writes it). Used for a Web Bridge without hostKey.',
      ),
    connectTimeoutMs: millis(100, 600_000).default(10_000).describe('Time to connect and authenticate.'),
    commandTimeoutMs: millis(100, HOUR).default(60_000).describe('Time for one MMP command to finish.'),
    restartCommand: z.string().min(1).default('webbridge restart').describe('Command that restarts a Web Bridge.'),
    probeEveryMs: z
      .union([z.literal(0), millis(60_000, 7 * DAY)])
      .default(6 * HOUR)
      .describe(
        '`wbguard run` logs in to every MMP this often and runs probeCommand, to alert (`mmp-login`) on an expired password, a refused login or a changed host key before a restart needs them. 0: never.',
      ),
    probeCommand: z
      .string()
      .min(1)
      .default('version')
      .describe('Harmless MMP command the login probe runs (`version` prints the CMS version).'),
    statusCommand: z
      .string()
      .min(1)
      .default('webbridge')
      .describe('Command whose output shows whether the Web Bridge is back (used when syslog is not live).'),
    statusPattern: regexSource
      .default('')
      .describe('Regular expression the status output must match to count as healthy (empty: exit 0 and no FAILURE).'),
  })
  .strict();

export const RestartSchema = z
  .object({
    maxActiveSessions: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('Idle guard: real sessions a Web Bridge may still carry when it is restarted.'),
    leakThreshold: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(20)
      .describe('Leak guard: restart when at least this many sessions are provably leaked.'),
    nearLimitMargin: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(5)
      .describe('Leak guard: also restart when active sessions ≥ analysis.limit − this ("at or near the limit").'),
    staleAfterMs: millis(1000, Number.MAX_SAFE_INTEGER)
      .default(900_000)
      .describe('Fresh guard: session data older than this defers the decision.'),
    verifyTimeoutMs: millis(1000, HOUR)
      .default(300_000)
      .describe('Time for a restarted Web Bridge to be verified back before the run stops.'),
    verifyHealthyReadings: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(2)
      .describe('Consecutive healthy readings that verify a restart.'),
    verifyIntervalMs: millis(100, 600_000).default(5000).describe('Time between two verification readings.'),
    maxPerDay: z
      .number()
      .int()
      .min(1)
      .max(24)
      .default(1)
      .describe('At most this many restarts of one Web Bridge per day (UTC), whatever triggers them.'),
  })
  .strict();

export const AnalysisSchema = z
  .object({
    limit: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(149)
      .describe('Session limit of a Web Bridge 2 (149: nobody can join beyond it).'),
    cmaClients: z
      .enum(['webrtc-only', 'mixed'])
      .default('webrtc-only')
      .describe(
        '`mixed` when CMA desktop or iOS clients are in use: they count in CMA too, so the leak is then only bounded.',
      ),
    staleAfterMs: millis(1000, Number.MAX_SAFE_INTEGER)
      .default(900_000)
      .describe('A node with no sample for this long is stale.'),
    joinRefusedPatterns: z
      .array(regexSource)
      .max(32)
      .default([...DEFAULT_JOIN_REFUSED_PATTERN_SOURCES])
      .describe(
        'What a Web Bridge logs when it refuses a join at its limit: regular expressions, matched in any case. The defaults are an assumed wording (no source documents it): replace them with what your Web Bridges log (`wbguard doctor` counts the refusals it sees). Give each a literal part of a few letters (`participant limit \\d+`): only lines holding such a part are read, at full speed; a pattern without one (`[jJ][oO][iI][nN]`; each branch of `a|b` needs its own) makes every line at a refusal level be read, more slowly. Empty: refusals are not looked for (docs/analyze.md).',
      ),
    joinRefusedLevels: z
      .array(z.string().regex(LEVEL_WORD, 'a word of visible ASCII characters (no spaces)'))
      .max(MAX_LEVEL_WORDS)
      .default([...LEVEL_SUBSTRINGS])
      .describe(
        'A line is a join refusal only when it also holds one of these words, as they are (CMS writes the level in the message: `ERROR :`, `WARNING :`). Empty: any line (assumed: the level of a refusal is not documented either).',
      ),
  })
  .strict();

export const SyslogTlsSchema = z
  .object({
    listen: listenAddress(6514).describe('TLS listener host:port (6514 is the RFC 5425 port).'),
    cert: filePath.describe('PEM file of the server certificate and its chain (`/path` or `file:/path`).'),
    key: secretRef.describe('The PEM private key, by reference (`file:/path`, chmod 600).'),
    ca: filePath.optional().describe('PEM file of the CA that signs client certificates.'),
    requireClientCert: z.boolean().default(false).describe('Require a client certificate signed by ca (mutual TLS).'),
  })
  .strict();

export const SyslogSchema = z
  .object({
    udp: listenAddress(514).optional().describe('UDP listener host:port, e.g. `0.0.0.0:514` (port 0: any free port).'),
    tcp: listenAddress(514)
      .optional()
      .describe('TCP listener host:port; LF or octet-counted framing (RFC 6587), detected per connection.'),
    tls: SyslogTlsSchema.optional().describe('TLS listener (RFC 5425).'),
    allow: z
      .array(cidr)
      .default([])
      .describe('Source addresses or CIDR blocks allowed to send; others are counted and dropped. Empty: any.'),
    maxFrameBytes: z
      .number()
      .int()
      .min(1024)
      .max(1_048_576)
      .default(65_536)
      .describe('Largest syslog message accepted; a longer TCP frame closes that connection.'),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1024)
      .describe(
        'TCP and TLS connections open at once, per listener; more are closed at once and counted as drops (`wbguard_syslog_dropped_total`, alert `syslog-drops`). A CMS node keeps one connection; keep this below the open-files limit (`ulimit -n`, systemd LimitNOFILE).',
      ),
    udpReceiveBufferBytes: z
      .number()
      .int()
      .min(65_536)
      .max(268_435_456)
      .default(4_194_304)
      .describe(
        'UDP socket receive buffer asked of the kernel: a burst larger than it, arriving while the receiving thread is not reading, is dropped by the kernel (counted in `wbguard_syslog_dropped_total`). Linux grants at most `net.core.rmem_max` (often 212992): the daemon logs a warning when it got less than asked; raise the limit with `sysctl -w net.core.rmem_max=N`.',
      ),
    maxUdpBacklogBytes: z
      .number()
      .int()
      .min(1_048_576)
      .max(2_147_483_648)
      .default(67_108_864)
      .describe(
        'UDP datagrams received and not yet handled by the daemon, at most (bytes): past it datagrams are dropped and counted (`wbguard_syslog_dropped_total`, alert `syslog-drops`), so that a stalled daemon cannot grow without end. Raise it for long bursts with memory to spare.',
      ),
  })
  .strict();

export const FileSourceSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .describe('A log file a syslog server writes (`*` and `?` allowed in the file name), followed through rotation.'),
  })
  .strict();

export const StoreSchema = z
  .object({
    url: z
      .string()
      .superRefine((v, ctx) => {
        if (v === 'sqlite' || v.startsWith('sqlite:')) {
          return;
        }
        let u: URL;
        try {
          u = new URL(v);
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be sqlite, sqlite:/path/to/db, or postgres://user@host/db' });
          return;
        }
        if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
          ctx.addIssue({ code: 'custom', message: 'must be sqlite, sqlite:/path/to/db, or postgres://user@host/db' });
        } else if (u.password !== '') {
          ctx.addIssue({
            code: 'custom',
            message: 'a password in the URL is a plain secret: remove it and set store.password (by reference)',
            params: { wbguardCode: 'WBGUARD_ERR_SECRET_PLAINTEXT' },
          });
        }
      })
      .default('sqlite')
      .describe('`sqlite` (the state folder’s wbguard.db), `sqlite:/path/to/db`, or `postgres://user@host:5432/db`.'),
    password: secretRef.optional().describe('PostgreSQL password, by reference.'),
    ca: filePath.optional().describe('PEM file of the CA that signed the PostgreSQL server certificate.'),
    insecure: z.boolean().default(false).describe('Connect to PostgreSQL without verifying its certificate.'),
    rawRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(14)
      .describe(
        'Every record received is kept this long, and replayed into the analysis when `wbguard run` starts (leak rates need days).',
      ),
    minuteRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(400)
      .describe('Per-minute samples (each minute’s highest and last count per node) are kept this long, for history.'),
  })
  .strict();

export const HttpSchema = z
  .object({
    listen: listenAddress(8080)
      .default('127.0.0.1:8080')
      .describe('Address of the dashboard, JSON API and /metrics. Loopback unless you mean otherwise.'),
    token: secretRef
      .optional()
      .describe('Bearer token required by anything that acts (restart, acknowledge), by reference.'),
    publicReadOnly: z
      .boolean()
      .default(false)
      .describe('Serve the read-only pages and API without the token (anything that acts still needs it).'),
  })
  .strict();

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const WindowSchema = z
  .object({
    days: z.array(z.enum(DAYS)).min(1).describe('Days the window opens on (`mon` … `sun`).'),
    from: hhmm.describe('Opens at HH:MM local time.'),
    to: hhmm.describe('Closes at HH:MM local time; before from means over midnight into the next day.'),
    tz: timeZone.optional().describe('IANA time zone of from and to. Default: policy.tz.'),
  })
  .strict();

export const PolicySchema = z
  .object({
    mode: z
      .enum(['observe', 'dry-run', 'enforce'])
      .default('dry-run')
      .describe('`observe`: watch only; `dry-run`: plan and journal restarts without acting; `enforce`: restart.'),
    schedule: cronPattern
      .optional()
      .describe('Cron trigger in policy.tz, e.g. `"0 2 * * 6"` (Saturday 02:00, as in Cisco’s note). Optional.'),
    tz: timeZone.default('UTC').describe('Time zone of schedule, blackouts and windows that name none.'),
    leakTrigger: z
      .boolean()
      .default(true)
      .describe('Trigger a restart when the leak guard passes (threshold reached or near the limit).'),
    forecastWithinHours: z
      .number()
      .min(0)
      .max(24 * 365)
      .default(24)
      .describe('Also trigger when the limit is forecast within this many hours (0: never on forecast).'),
    windows: z
      .array(WindowSchema)
      .default([])
      .describe('Weekly maintenance windows; restarts happen only inside one. Empty: any time.'),
    blackouts: z.array(isoDate).default([]).describe('Dates (YYYY-MM-DD in policy.tz) on which nothing is restarted.'),
  })
  .strict()
  // A window without its own zone takes the policy's, so one `tz:` line serves a whole site.
  .transform((p) => ({ ...p, windows: p.windows.map((w) => ({ ...w, tz: w.tz ?? p.tz })) }));

/** What every alert channel shares: which events it gets and how often one that persists is repeated. */
const alertCommon = {
  name: z.string().min(1).optional().describe('A label for this channel in logs and the dashboard.'),
  events: z.array(z.enum(ALERT_EVENTS)).optional().describe('Events sent to this channel. Default: all.'),
  repeatAfterMs: millis(60_000, 7 * DAY)
    .default(4 * HOUR)
    .describe('A condition that persists is sent again after this long; its recovery is always sent.'),
};

export const AlertSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('webhook').describe('`webhook` (JSON POST), `webex`, `slack` (Slack-compatible) or `email`.'),
      url: secretRef.describe('Webhook URL, by reference (it usually holds a token).'),
      ...alertCommon,
    })
    .strict(),
  z
    .object({
      type: z.literal('webex'),
      url: secretRef.describe('Webex incoming webhook URL, by reference.'),
      ...alertCommon,
    })
    .strict(),
  z
    .object({
      type: z.literal('slack'),
      url: secretRef.describe('Slack-compatible incoming webhook URL, by reference.'),
      ...alertCommon,
    })
    .strict(),
  z
    .object({
      type: z.literal('email'),
      host: z.string().min(1).describe('SMTP server.'),
      port: port.default(587).describe('SMTP port (587 submission with STARTTLS, 465 TLS, 25).'),
      starttls: z.boolean().default(true).describe('Require STARTTLS before authenticating or sending.'),
      user: z.string().min(1).optional().describe('SMTP user (with password).'),
      password: secretRef.optional().describe('SMTP password, by reference.'),
      ca: filePath.optional().describe('PEM file of a CA to trust for the SMTP server’s certificate (a private CA).'),
      from: email.describe('Sender address.'),
      to: z.array(email).min(1).describe('Recipients.'),
      ...alertCommon,
    })
    .strict(),
]);

export const AlertingSchema = z
  .object({
    leakAbove: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        '`leak` alert when a Web Bridge has at least this many provably leaked sessions. Default: restart.leakThreshold.',
      ),
    forecastWithinHours: z
      .number()
      .min(0)
      .max(24 * 365)
      .default(48)
      .describe('`forecast` alert when a Web Bridge is forecast to reach the limit within this many hours (0: never).'),
    quietIntervals: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .describe('`quiet` alert when a node has sent no Stats for this many of its intervals (learnt from its lines).'),
    webbridgeStatsIntervalMs: millis(1000, DAY)
      .default(60_000)
      .describe('Web Bridge Stats interval assumed until two gaps are seen (the real one is undocumented).'),
    callbridgeStatsIntervalMs: millis(1000, DAY)
      .default(300_000)
      .describe('Call Bridge STATS interval assumed until two gaps are seen (5 minutes on CMS 2.8+).'),
    apiDisagreeAbove: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(10)
      .describe(
        '`api-disagree` when a Call Bridge’s CMS API count of real CMA legs and its latest STATS CMA count (at most 10 minutes old) differ by more than this.',
      ),
    dropsWindowMs: millis(10_000, DAY)
      .default(300_000)
      .describe('`syslog-drops` alert while syslog messages were dropped within this window.'),
  })
  .strict();

export const HaSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Several `wbguard run` instances on one PostgreSQL `store`: all ingest and serve the dashboard, one leader acts (a lease with a fencing token; the restart lock is in the database).',
      ),
    leaseMs: millis(2000, 600_000)
      .default(15_000)
      .describe('How long the leader’s lease lasts without renewal: a dead leader is replaced within about this.'),
    renewEveryMs: millis(500, 300_000)
      .default(5000)
      .describe('How often the leader renews its lease and the others try to take it (under leaseMs / 2).'),
  })
  .strict();

export const LogSchema = z
  .object({
    level: z
      .enum(['debug', 'info', 'warn', 'error'])
      .default('info')
      .describe('Lowest level written to the log (stderr, JSON lines).'),
  })
  .strict();

export const JournalSchema = z
  .object({
    maxBytes: z
      .number()
      .int()
      .min(0)
      .default(10 * 1024 * 1024)
      .describe(
        'Rotate `journal.jsonl` to `journal.jsonl.1` before it grows past this many bytes; 0: never by size (for logrotate).',
      ),
    maxAgeMs: z
      .union([z.literal(0), millis(HOUR, Number.MAX_SAFE_INTEGER)])
      .default(30 * DAY)
      .describe('Rotate when the file’s first entry is older than this; 0: never by age.'),
    keep: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(10)
      .describe('Rotated files kept (`journal.jsonl.1` … `.N`, plain or `.gz`); older ones are deleted.'),
  })
  .strict();

export const ClusterSchema = z
  .object({
    name: nodeName.describe('Name of this CMS cluster (dashboard, `cluster` label of the metrics, journal).'),
    webbridges: z.array(WebBridgeSchema).default([]).describe('Its Web Bridge 2 nodes (keys as webbridges[]).'),
    callbridges: z.array(CallBridgeSchema).default([]).describe('Its Call Bridge nodes (keys as callbridges[]).'),
    policy: PolicySchema.optional().describe('Its own policy and windows (keys as policy). Default: policy.'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    cluster: nodeName.default('cluster').describe('Name of the CMS cluster (journal, metrics label).'),
    webbridges: z
      .array(WebBridgeSchema)
      .default([])
      .describe('Web Bridge 2 nodes wbguard watches and may restart (one per server).'),
    callbridges: z
      .array(CallBridgeSchema)
      .default([])
      .describe('Call Bridge nodes: their CMA counts bound the real WebRTC sessions.'),
    clusters: z
      .array(ClusterSchema)
      .default([])
      .describe(
        'Several CMS clusters in one configuration (service providers), instead of webbridges and callbridges at the top level. mmp, restart, analysis and the rest are shared.',
      ),
    mmp: MmpSchema.prefault({}).describe('How to reach the MMPs over SSH; one account for every server.'),
    restart: RestartSchema.prefault({}).describe('The restart guards (docs/guards.md).'),
    analysis: AnalysisSchema.prefault({}).describe('How session counts are read and the leak estimated.'),
    syslog: SyslogSchema.prefault({}).describe('Syslog listeners of `wbguard run`; each is optional.'),
    files: z
      .array(FileSourceSchema)
      .default([])
      .describe('Log files written by a syslog server, followed instead of or beside listening.'),
    state: z
      .string()
      .min(1)
      .default('/var/lib/wbguard')
      .describe('State folder: SQLite store, journal, Cisco-style restart log, lock, known_hosts.'),
    store: z
      .preprocess((v) => (typeof v === 'string' ? { url: v } : v), StoreSchema)
      .prefault({})
      .describe(
        'Where history and decisions are kept: `sqlite` (default), or a postgres:// URL, or { url, password }.',
      ),
    http: HttpSchema.prefault({}).describe('Dashboard, JSON API and /metrics of `wbguard run`.'),
    policy: PolicySchema.prefault({}).describe('When `wbguard run` restarts on its own.'),
    alerts: z
      .array(AlertSchema)
      .default([])
      .describe('Where alerts go: webhook, webex, slack, email. Each channel lists its events.'),
    alerting: AlertingSchema.prefault({}).describe('When alerts fire: thresholds shared by every channel.'),
    ha: HaSchema.prefault({}).describe('A highly-available group of instances on one PostgreSQL store.'),
    log: LogSchema.prefault({}).describe('Logging of `wbguard run`.'),
    journal: JournalSchema.prefault({}).describe('Size and age of the restart journal (docs/journal.md).'),
  })
  .strict()
  // `when`: run even when other keys failed, so a duplicate name is reported together with a typo elsewhere.
  .superRefine(
    (c, ctx) => {
      for (const p of crossCheck(c).errors) {
        ctx.addIssue({ code: 'custom', path: [...p.path], message: p.message });
      }
    },
    { when: () => true },
  );

export type WbguardConfigInput = z.input<typeof ConfigSchema>;
export type ParsedConfig = z.output<typeof ConfigSchema>;
export type WebBridgeConfig = z.output<typeof WebBridgeSchema>;
export type CallBridgeConfig = z.output<typeof CallBridgeSchema>;
export type AlertConfig = z.output<typeof AlertSchema>;
export type PolicyConfig = z.output<typeof PolicySchema>;
export type ClusterConfig = z.output<typeof ClusterSchema>;
export type AlertingConfig = z.output<typeof AlertingSchema>;
export type AnalysisConfig = z.output<typeof AnalysisSchema>;
