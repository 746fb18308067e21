/**
 * @module app/config/example
 * The commented example `wbguard config init` writes (and docs/configuration.md shows). Convention: `# text` is an
 * explanation; `#key: value` (no space after `#`) is an optional setting, to be used by removing the `#`. Tests
 * check that the example validates as written AND with every optional setting switched on.
 */
export const EXAMPLE_CONFIG = `# wbguard configuration. docs/configuration.md describes every key; wbguard config check validates.
# Secrets are never written here: give a reference, env:NAME or file:/path (the file chmod 600).
# "#key: value" lines are optional settings: remove the "#" to use one.

cluster: lab

# The Web Bridge 2 nodes wbguard watches and may restart, one per server.
webbridges:
  - name: cms1
    mmp: 10.0.0.11:22              # the MMP's SSH, host[:port] (IPv6 as [2001:db8::11]:22)
    syslogHost: cms1               # how the server names itself in syslog (default: name)
    #hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    # ^ pin the key here, or let "wbguard trust --all" record it in mmp.knownHosts
    #webPort: 443                  # probed after a restart
  - name: cms2
    mmp: 10.0.0.12:22

# The Call Bridges: their CMA counts (logged every 5 minutes by CMS 2.8+) bound the real WebRTC sessions.
callbridges:
  - name: cms1
    #syslogHost: cms1
    # Optional: the CMS REST API gives the count every pollMs instead of every 5 minutes.
    #api:
      #url: https://10.0.0.11:445/api/v1
      #username: wbguard-api
      #password: env:WBGUARD_CMS_API_PASSWORD
      #ca: /etc/wbguard/cms-ca.pem  # or insecure: true (warned about at every start)
      #pollMs: 15000
  - name: cms2

# How wbguard logs in to the MMPs over SSH (one account for every server).
mmp:
  username: admin
  password: env:WBGUARD_MMP_PASSWORD    # or file:/etc/wbguard/mmp-password (chmod 600)
  #privateKey: file:/etc/wbguard/id_ed25519
  #passphrase: env:WBGUARD_MMP_KEY_PASSPHRASE
  #agent: true                          # offer the keys of the agent at SSH_AUTH_SOCK
  knownHosts: /var/lib/wbguard/known_hosts
  connectTimeoutMs: 10000
  commandTimeoutMs: 60000
  restartCommand: webbridge restart
  statusCommand: webbridge

# The restart guards (docs/guards.md).
restart:
  maxActiveSessions: 0       # idle: real sessions the Web Bridge may still carry at restart
  leakThreshold: 20          # leak: provably leaked sessions that make a restart worth it...
  nearLimitMargin: 5         # ...or active sessions within this of the limit
  staleAfterMs: 900000       # fresh: older session data defers the decision
  verifyTimeoutMs: 300000    # the Web Bridge must be verified back within this
  verifyHealthyReadings: 2
  maxPerDay: 1

analysis:
  limit: 149
  cmaClients: webrtc-only    # mixed when CMA desktop or iOS clients are in use
  # What a Web Bridge logs when it refuses a join at its limit is not documented: wbguard assumes four wordings
  # at ERROR/WARN level. Once you have seen yours, say it here (regular expressions, any case; docs/analyze.md).
  #joinRefusedPatterns: ["join refused", "unable to join meeting"]
  #joinRefusedLevels: [ERROR, WARN]

state: /var/lib/wbguard       # store, journal, webbridge_restart_logs.txt, lock
store: sqlite                 # or postgres://wbguard@db.example.com/wbguard with store.password

# What "wbguard run" listens on and follows.
syslog:
  udp: 0.0.0.0:514
  #tcp: 0.0.0.0:514
  #tls:
    #listen: 0.0.0.0:6514
    #cert: /etc/wbguard/syslog.crt
    #key: file:/etc/wbguard/syslog.key
    #ca: /etc/wbguard/syslog-ca.pem
    #requireClientCert: false
  allow: [10.0.0.0/24]       # who may send; others are counted and dropped
#files:                       # or follow the files a syslog server writes
  #- path: /var/log/cms/*.log

http:
  listen: 127.0.0.1:8080     # dashboard, JSON API, /metrics
  #token: env:WBGUARD_TOKEN   # needed by anything that acts over HTTP
  #publicReadOnly: false

# When "wbguard run" restarts on its own: observe, dry-run (plans only) or enforce.
policy:
  mode: dry-run
  #schedule: "0 2 * * 6"     # Saturday 02:00, as Cisco's note runs its script
  tz: Europe/Berlin
  leakTrigger: true
  forecastWithinHours: 24
  windows:
    - { days: [sat, sun], from: "01:00", to: "05:00" }
  blackouts: ["2026-12-24", "2026-12-31"]

#alerts:
  #- type: webhook            # or webex, slack
    #url: env:WBGUARD_ALERT_WEBHOOK_URL
  #- type: email
    #host: smtp.example.com
    #port: 587
    #starttls: true
    #user: wbguard
    #password: env:WBGUARD_SMTP_PASSWORD
    #from: wbguard@example.com
    #to: [noc@example.com]

log:
  level: info

#journal:                      # the restart journal rotates like a log (docs/journal.md)
  #maxBytes: 10485760          # bytes; 0: never by size (leave it to logrotate)
  #maxAgeMs: 2592000000        # 30 days; 0: never by age
  #keep: 10                    # journal.jsonl.1 … .10
`;

/** The example with every optional setting switched on (tests validate it too). */
export function exampleWithEverything(): string {
  return EXAMPLE_CONFIG.replace(/^(\s*)#(?=[A-Za-z[{-])/gm, '$1');
}
