/**
 * @module adapters/alerts/smtp-channel
 * E-mail over SMTP with nodemailer: STARTTLS required by default (`starttls: true`), or implicit TLS on 465,
 * authentication when a user is configured, the server's certificate verified (against `ca` when given). One
 * e-mail per check, its subject the first notice's title.
 */
import type { Transporter } from 'nodemailer';
import { type AlertNotice, noticeText, noticeTitle } from '../../core/alerts/index.js';
import { type AlertChannel, AlertDeliveryError, errorCode } from './channel.js';

export interface SmtpChannelOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly starttls: boolean;
  readonly user?: string | undefined;
  readonly password?: (() => string) | undefined;
  readonly from: string;
  readonly to: readonly string[];
  /** PEM of a CA to trust for the server's certificate (a private CA). */
  readonly ca?: string | undefined;
  /** @default 15000 */
  readonly timeoutMs?: number;
}

function subjectOf(notices: readonly AlertNotice[]): string {
  const first = notices[0] ? noticeTitle(notices[0]) : '[wbguard]';
  return notices.length > 1 ? `${first} (+${notices.length - 1} more)` : first;
}

export function smtpChannel(options: SmtpChannelOptions): AlertChannel {
  const timeout = options.timeoutMs ?? 15_000;
  // nodemailer is loaded with the first e-mail: a daemon without an e-mail channel does not carry it.
  let transport: Transporter | undefined;
  const transportOf = async (): Promise<Transporter> => {
    if (transport) {
      return transport;
    }
    const { default: nodemailer } = await import('nodemailer');
    transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.port === 465,
      requireTLS: options.starttls && options.port !== 465,
      ignoreTLS: !options.starttls && options.port !== 465,
      ...(options.user && options.password ? { auth: { user: options.user, pass: options.password() } } : {}),
      tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(options.ca ? { ca: options.ca } : {}) },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // nodemailer's own logger would print the SMTP dialogue, AUTH included: off.
      logger: false,
      debug: false,
    });
    return transport;
  };
  return {
    name: options.name,
    type: 'email',
    async send(notices) {
      if (notices.length === 0) {
        return;
      }
      try {
        await (await transportOf()).sendMail({
          from: options.from,
          to: [...options.to],
          subject: subjectOf(notices),
          text: notices.map(noticeText).join('\n\n'),
        });
      } catch (err) {
        const e = err as { responseCode?: number };
        throw new AlertDeliveryError(
          options.name,
          e.responseCode ? `the SMTP server answered ${e.responseCode}` : `sending failed (${errorCode(err)})`,
        );
      }
    },
    async close() {
      transport?.close();
    },
  };
}
