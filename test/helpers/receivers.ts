/**
 * Alert receivers a test starts on loopback: an HTTP server that records every POST, and an SMTP server
 * (smtp-server, from nodemailer's authors) with STARTTLS and authentication that records every message.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadOrCreateCert } from '../../src/sim/api/tls-cert.js';

export interface HttpReceiver {
  readonly url: string;
  readonly posts: Array<{ path: string; headers: IncomingMessage['headers']; body: string }>;
  /** Status the next requests get (default 200). */
  status: number;
  close(): Promise<void>;
}

export async function httpReceiver(): Promise<HttpReceiver> {
  const posts: HttpReceiver['posts'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = receiver.status;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const receiver: HttpReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    status: 200,
    close: () => new Promise((r) => server.close(() => r())),
  };
  return receiver;
}

export interface SmtpReceiver {
  readonly port: number;
  /** PEM of the server's self-signed certificate, for the client's `ca`. */
  readonly certPath: string;
  readonly messages: Array<{ from: string; to: string[]; raw: string; user: string | undefined; secure: boolean }>;
  readonly logins: Array<{ user: string; ok: boolean }>;
  close(): Promise<void>;
}

export async function smtpReceiver(dir: string, user: string, password: string): Promise<SmtpReceiver> {
  const cert = await loadOrCreateCert(dir);
  const messages: SmtpReceiver['messages'] = [];
  const logins: SmtpReceiver['logins'] = [];
  const server = new SMTPServer({
    key: cert.key,
    cert: cert.cert,
    // Submission as on port 587: plain connection, STARTTLS offered, AUTH only once TLS is on.
    secure: false,
    allowInsecureAuth: false,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      const ok = auth.username === user && auth.password === password;
      logins.push({ user: auth.username ?? '', ok });
      cb(ok ? null : new Error('invalid credentials'), ok ? { user: auth.username } : undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    certPath: cert.certPath,
    messages,
    logins,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
