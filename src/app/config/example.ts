/**
 * @module app/config/example
 * The commented example `wbguard config init` writes. A test checks that it validates.
 */
export const EXAMPLE_CONFIG = `# wbguard configuration — docs/configuration.md lists every key.
# Secrets are never written here: give a reference, env:NAME or file:/path (chmod 600).

cluster: lab

# The Web Bridge 2 nodes wbguard watches and may restart.
webbridges:
  - name: cms1
    mmp: 10.0.0.11:22            # the MMP's SSH (host[:port])
    syslogHost: cms1             # how it names itself in syslog (default: name)
    # hostKey: "SHA256:..."      # pin it here, or let \`wbguard trust --all\` record it in mmp.knownHosts
  - name: cms2
    mmp: 10.0.0.12:22

# Call Bridges: their CMA counts bound the real sessions (CMS 2.8+ logs them every 5 minutes).
callbridges:
  - name: cms1
  - name: cms2

mmp:
  username: admin
  password: env:WBGUARD_MMP_PASSWORD   # or file:/etc/wbguard/mmp-password (chmod 600)
  # privateKey: file:/etc/wbguard/id_ed25519
  knownHosts: /var/lib/wbguard/known_hosts
  connectTimeoutMs: 10000
  commandTimeoutMs: 60000
  restartCommand: webbridge restart
  statusCommand: webbridge

restart:
  maxActiveSessions: 0     # idle guard: real sessions allowed on the Web Bridge at restart
  leakThreshold: 20        # worth-it guard: provably leaked sessions that make a restart worth it
  nearLimitMargin: 5       # ... or active within this of the limit (149)
  staleAfterMs: 900000     # fresh guard: older data defers
  verifyTimeoutMs: 300000  # the Web Bridge must be verified back within this
  verifyHealthyReadings: 2
  maxPerDay: 1

analysis:
  limit: 149
  cmaClients: webrtc-only  # mixed when CMA desktop/iOS clients are in use (the cluster leak is then an upper bound)

state: /var/lib/wbguard     # journal, Cisco-style restart log, lock
`;
