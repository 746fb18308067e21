/**
 * @module app/cli/commands/trust
 * `wbguard trust NAME|--all`: fetches each MMP's SSH host key (no login), shows its fingerprint and records it in
 * mmp.knownHosts — only with --yes or a confirmation. A key that changed is refused loudly, never overwritten.
 */
import { createInterface } from 'node:readline';
import { printable } from '../../../core/text/printable.js';
import { EXIT, UsageError } from '../../../errors.js';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerTrust: RegisterVerb = (program, io, result) => {
  program
    .command('trust')
    .description('record the SSH host keys of the MMPs (known_hosts), after showing their fingerprints')
    .argument('[names...]', 'Web Bridges to trust')
    .option('--all', 'every configured Web Bridge')
    .option('--config <file>', 'configuration file')
    .option('--yes', 'record new keys without asking')
    .option('--json', 'print the keys and what was done as JSON')
    .addHelpText(
      'after',
      `
Examples:
  wbguard trust --all                 # show every MMP's fingerprint and ask before recording
  wbguard trust cms2 --yes            # record cms2's key (check it on the MMP console first)

Compare each fingerprint with the MMP's own (on its console: the key file's ssh-keygen -lf) before accepting.
Exit status: 0 done, 1 a host unreachable, 2 usage error or no terminal to confirm on, 3 a key CHANGED (refused).`,
    )
    .action(async (names, opts) => {
      const [{ loadConfig, resolveConfigPath }, wiring, { knownKeys, appendKnownHost, fingerprint }, { JsonlJournal }] =
        await Promise.all([
          import('../../config/index.js'),
          import('../../restart/mmp-wiring.js'),
          import('../../../adapters/ssh/known-hosts.js'),
          import('../../../adapters/journal/jsonl-journal.js'),
        ]);
      if (names.length > 0 === Boolean(opts.all)) {
        throw new UsageError('say which Web Bridges: NAME... or --all');
      }
      const config = await loadConfig(resolveConfigPath(opts.config, io.env), { env: io.env, resolveSecrets: false });
      const knownHostsPath = config.mmp.knownHosts;
      if (!knownHostsPath) {
        throw new UsageError(`mmp.knownHosts is not set in ${config.source}`, {
          hint: 'set mmp.knownHosts: /var/lib/wbguard/known_hosts (or pin webbridges[].hostKey by hand)',
        });
      }
      const selected = opts.all ? config.webbridges.map((w) => w.name) : names;
      const targets = selected.map((n) => wiring.targetFor(config, n));
      const client = (await import('../../../adapters/ssh/ssh2-mmp-client.js')).createSsh2MmpClient({
        username: config.mmp.username,
        connectTimeoutMs: config.mmp.connectTimeoutMs,
      });
      const rows: Array<Record<string, unknown>> = [];
      let changed = false;
      let unreachable = false;
      const toRecord: Array<{ target: (typeof targets)[number]; algorithm: string; blob: Buffer; fp: string }> = [];
      for (const target of targets) {
        try {
          const key = await client.fetchHostKey(target);
          const blob = Buffer.from(key.keyBase64, 'base64');
          const recorded = knownKeys(knownHostsPath, target.host, target.port).filter((k) => !k.revoked);
          const pinned = target.hostKey;
          let status: string;
          if (pinned ? pinned === key.fingerprint : recorded.some((k) => k.blob.equals(blob))) {
            status = 'already trusted';
          } else if (pinned || recorded.length > 0) {
            status = 'CHANGED';
            changed = true;
            const old = pinned ?? recorded.map((k) => fingerprint(k.blob)).join(', ');
            await write(
              io.stderr,
              `wbguard: HOST KEY CHANGED for ${target.name} (${target.host}:${target.port}): recorded ${old}, now offered ${key.fingerprint}. Refused.\n  If the MMP really got a new key, check it on its console, remove the old entry (${pinned ? 'webbridges[].hostKey' : `ssh-keygen -R '[${target.host}]:${target.port}' -f ${knownHostsPath}`}) and run trust again.\n`,
            );
          } else {
            status = 'new';
            toRecord.push({ target, algorithm: key.algorithm, blob, fp: key.fingerprint });
          }
          rows.push({
            name: target.name,
            host: target.host,
            port: target.port,
            algorithm: key.algorithm,
            fingerprint: key.fingerprint,
            status,
          });
          if (!opts.json) {
            await write(
              io.stdout,
              `${target.name.padEnd(10)} ${target.host}:${target.port}  ${key.algorithm} ${key.fingerprint}  ${status}\n`,
            );
          }
        } catch (err) {
          unreachable = true;
          rows.push({
            name: target.name,
            host: target.host,
            port: target.port,
            status: 'unreachable',
            error: (err as Error).message,
          });
          await write(io.stderr, `wbguard: ${printable((err as Error).message)}\n`);
        }
      }
      if (toRecord.length > 0) {
        let go = Boolean(opts.yes);
        if (!go) {
          if (!io.stdin.isTTY) {
            throw new UsageError('new host keys not recorded: no terminal to confirm on', {
              hint: 'check the fingerprints above, then run again with --yes',
            });
          }
          const rl = createInterface({ input: io.stdin, output: io.stderr });
          const answer = await new Promise<string>((r) =>
            rl.question(`Record ${toRecord.length} new key(s) in ${knownHostsPath}? Type yes: `, r),
          );
          rl.close();
          go = answer.trim().toLowerCase() === 'yes';
        }
        if (go) {
          const journal = new JsonlJournal(config.state);
          for (const r of toRecord) {
            appendKnownHost(knownHostsPath, r.target.host, r.target.port, r.algorithm, r.blob);
            journal.append({
              ts: new Date().toISOString(),
              trigger: 'cli:trust',
              kind: 'trust',
              cluster: config.cluster,
              node: r.target.name,
              fingerprint: r.fp,
              outcome: 'recorded',
            });
            const row = rows.find((x) => x.name === r.target.name);
            if (row) {
              row.status = 'recorded';
            }
          }
          if (!opts.json) {
            await write(io.stdout, `recorded ${toRecord.length} key(s) in ${knownHostsPath}\n`);
          }
        }
      }
      if (opts.json) {
        await write(io.stdout, `${JSON.stringify({ knownHosts: knownHostsPath, nodes: rows })}\n`);
      }
      result.exitCode = changed ? EXIT.REFUSED : unreachable ? EXIT.FAILURE : EXIT.OK;
    });
};
