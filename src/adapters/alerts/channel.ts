/**
 * @module adapters/alerts/channel
 * What every alert channel does: deliver the notices of one check. Errors name the channel and what went wrong,
 * never its URL or password (a webhook URL usually is the credential).
 */
import type { AlertNotice } from '../../core/alerts/index.js';
import type { ErrorCode } from '../../errors.js';

export interface AlertChannel {
  /** A label safe to log: the configured name, or `type#index`. */
  readonly name: string;
  readonly type: 'webhook' | 'webex' | 'slack' | 'email';
  send(notices: readonly AlertNotice[]): Promise<void>;
  close(): Promise<void>;
}

export class AlertDeliveryError extends Error {
  readonly code: ErrorCode = 'WBGUARD_ERR_ALERT_DELIVERY';
  readonly channel: string;

  constructor(channel: string, detail: string) {
    super(`alert channel ${channel}: ${detail}`);
    this.name = 'AlertDeliveryError';
    this.channel = channel;
  }
}

/** A network error's code (ECONNREFUSED, ETIMEDOUT…) or class, never its message (which may hold the address). */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
  const code = e.code ?? e.cause?.code;
  return typeof code === 'string' ? code : typeof e.name === 'string' ? e.name : 'unknown error';
}
