/**
 * @module sim/mmp
 * The simulated MMP: one SSH server (ssh2) per node, with password and public-key users, `exec` and an interactive
 * shell (`cms1> `), the commands of sim/mmp/commands, an MMP audit line for every command, and the faults of
 * src/sim/types.ts (refused auth, hang, dropped connection, expired password, closed port).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Server as NetServer } from 'node:net';
import ssh2 from 'ssh2';
import type { Logger } from '../../ports/logger.js';
import type { RestartOutputMode, SimCluster, SimNode } from '../types.js';
import { PASSWORD_EXPIRED_TEXT, runMmpCommand } from './commands.js';
import { loadOrCreateHostKey } from './host-key.js';
import { LineEditor, type LineEvent } from './line-editor.js';

const { Server, utils } = ssh2;
type Ssh2Server = InstanceType<typeof Server>;
type Connection = ssh2.Connection;

export interface MmpUser {
  readonly name: string;
  readonly password?: string;
  /** OpenSSH public key lines. */
  readonly authorizedKeys?: readonly string[];
}

export interface MmpServerOptions {
  readonly host: string;
  /** Node i listens on basePort + i − 1; 0 makes every port ephemeral. */
  readonly basePort: number;
  readonly stateDir: string;
  readonly users: readonly MmpUser[];
  readonly restartOutput: RestartOutputMode;
  readonly log?: Logger;
  /** Only these nodes get a server. @default every node */
  readonly nodes?: readonly string[];
}

export interface MmpServers {
  readonly nodes: Array<{ name: string; port: number; fingerprint: string; algorithm: string; publicKey: string }>;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function publicKeyMatches(user: MmpUser, algo: string, data: Buffer): ssh2.ParsedKey | undefined {
  for (const line of user.authorizedKeys ?? []) {
    const parsed = utils.parseKey(line);
    if (parsed instanceof Error) {
      continue;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key && key.type === algo && key.getPublicSSH().equals(data)) {
      return key;
    }
  }
  return undefined;
}

/** Serves one node: accepts connections while the port is open, runs commands against the node. */
class NodeServer {
  readonly node: SimNode;
  readonly #server: Ssh2Server;
  readonly #options: MmpServerOptions;
  readonly #connections = new Set<Connection>();
  port = 0;
  listening = false;

  constructor(node: SimNode, hostKey: string, options: MmpServerOptions) {
    this.node = node;
    this.#options = options;
    this.#server = new Server({ hostKeys: [hostKey] }, (client: Connection, info: ssh2.ClientInfo) =>
      this.#onClient(client, info.ip, info.port),
    );
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const net = this.#server as unknown as NetServer;
      const onError = (err: Error) => reject(err);
      net.once('error', onError);
      net.listen(port, this.#options.host, () => {
        net.off('error', onError);
        this.listening = true;
        this.port = (net.address() as { port: number }).port;
        resolve(this.port);
      });
    });
  }

  stopListening(): Promise<void> {
    if (!this.listening) {
      return Promise.resolve();
    }
    this.listening = false;
    return new Promise((resolve) => (this.#server as unknown as NetServer).close(() => resolve()));
  }

  async close(): Promise<void> {
    for (const c of this.#connections) {
      c.end();
    }
    await this.stopListening();
  }

  #onClient(client: Connection, ip: string, remotePort: number): void {
    this.#connections.add(client);
    let user = '';
    client.on('close', () => this.#connections.delete(client));
    client.on('error', () => {
      // a client that goes away mid-handshake is not the simulator's problem
    });
    client.on('authentication', (ctx) => {
      const account = this.#options.users.find((u) => u.name === ctx.username);
      if (this.node.faults.refuseAuth || !account) {
        ctx.reject();
        return;
      }
      if (ctx.method === 'password' && account.password !== undefined && sameSecret(ctx.password, account.password)) {
        user = ctx.username;
        ctx.accept();
        return;
      }
      if (ctx.method === 'publickey') {
        const key = publicKeyMatches(account, ctx.key.algo, ctx.key.data);
        if (key && !ctx.signature) {
          ctx.accept(); // the client asks whether this key would do; it signs next
          return;
        }
        if (key && ctx.signature && ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) {
          user = ctx.username;
          ctx.accept();
          return;
        }
      }
      ctx.reject(['password', 'publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        // A pty means a person at a terminal: the shell echoes what they type (line-editor.ts).
        let terminal = false;
        session.on('pty', (ok) => {
          terminal = true;
          ok?.();
        });
        session.on('env', (ok) => ok?.());
        session.on('exec', (ok, _reject, info) => {
          const stream = ok();
          void this.#exec(client, stream, user, `${ip}:${remotePort}`, info.command);
        });
        session.on('shell', (ok) => {
          const stream = ok();
          this.#shell(client, stream, user, `${ip}:${remotePort}`, terminal);
        });
      });
    });
  }

  async #exec(
    client: Connection,
    stream: ssh2.ServerChannel,
    user: string,
    from: string,
    command: string,
  ): Promise<void> {
    const faults = this.node.faults;
    if (faults.passwordExpired) {
      stream.write(PASSWORD_EXPIRED_TEXT);
      stream.exit(1);
      stream.end();
      return;
    }
    this.node.auditCommand(user, from, command);
    if (faults.hangOnExec) {
      return; // never answers; the channel stays open until the client gives up
    }
    if (faults.dropMidCommand) {
      stream.write('');
      client.end();
      return;
    }
    const result = await runMmpCommand(this.node, command);
    for (const line of result.output) {
      stream.write(`${line}\n`);
    }
    stream.exit(result.exitCode);
    stream.end();
  }

  #shell(client: Connection, stream: ssh2.ServerChannel, user: string, from: string, terminal: boolean): void {
    const prompt = `${this.node.name}> `;
    if (this.node.faults.passwordExpired) {
      stream.write(PASSWORD_EXPIRED_TEXT.replace(/\n/g, '\r\n'));
      stream.exit(1);
      stream.end();
      return;
    }
    stream.write(prompt);
    const editor = new LineEditor(terminal);
    let busy = Promise.resolve();
    stream.on('data', (data: Buffer) => {
      // One character at a time, so that the echo of what was typed after a command comes after its output.
      for (const ch of data.toString('utf8')) {
        const { echo, events } = editor.feed(ch);
        busy = busy.then(async () => {
          if (echo) {
            stream.write(echo);
          }
          for (const event of events) {
            await this.#onShellEvent(client, stream, user, from, event, prompt);
          }
        });
      }
    });
  }

  async #onShellEvent(
    client: Connection,
    stream: ssh2.ServerChannel,
    user: string,
    from: string,
    event: LineEvent,
    prompt: string,
  ): Promise<void> {
    const line = event.kind === 'line' ? event.text.trim() : '';
    if (event.kind === 'eof' || line === 'exit' || line === 'quit') {
      stream.exit(0);
      stream.end();
      return;
    }
    if (line.length > 0) {
      this.node.auditCommand(user, from, line);
      if (this.node.faults.hangOnExec) {
        return;
      }
      if (this.node.faults.dropMidCommand) {
        client.end();
        return;
      }
      const result = await runMmpCommand(this.node, line);
      for (const out of result.output) {
        stream.write(`${out}\r\n`);
      }
    }
    stream.write(prompt);
  }
}

export async function startMmpServers(cluster: SimCluster, options: MmpServerOptions): Promise<MmpServers> {
  const servers: NodeServer[] = [];
  const keys = new Map<string, ReturnType<typeof loadOrCreateHostKey>>();
  const selected = cluster.nodes.filter((n) => !options.nodes || options.nodes.includes(n.name));
  try {
    for (const [i, node] of selected.entries()) {
      const key = loadOrCreateHostKey(options.stateDir, node.name);
      keys.set(node.name, key);
      const server = new NodeServer(node, key.privateKey, options);
      servers.push(server);
      if (!node.faults.portClosed) {
        await server.listen(options.basePort === 0 ? 0 : options.basePort + i);
      } else {
        server.port = options.basePort === 0 ? 0 : options.basePort + i;
      }
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  // The port-closed fault closes and reopens the node's listener on the same port.
  const unsubscribe = cluster.onFaultsChange((name) => {
    const server = servers.find((s) => s.node.name === name);
    if (!server) {
      return;
    }
    if (server.node.faults.portClosed && server.listening) {
      void server.stopListening();
    } else if (!server.node.faults.portClosed && !server.listening) {
      server
        .listen(server.port)
        .catch((err: Error) => options.log?.error({ err, node: name }, 'cannot reopen mmp port'));
    }
  });
  let closed = false;
  return {
    nodes: servers.map((s) => {
      const key = keys.get(s.node.name) as ReturnType<typeof loadOrCreateHostKey>;
      return {
        name: s.node.name,
        port: s.port,
        fingerprint: key.fingerprint,
        algorithm: key.algorithm,
        publicKey: key.publicLine,
      };
    }),
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      unsubscribe();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
