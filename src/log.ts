/**
 * @module log
 * The one place pino is configured. Everything else receives a `Logger` (ports/logger.ts). Secrets are redacted
 * by path as a second line of defence: the first is that secrets are never put in log fields at all.
 */
import { pino } from 'pino';
import type { Logger } from './ports/logger.js';

export const REDACT_PATHS = [
  'password',
  '*.password',
  'passphrase',
  '*.passphrase',
  'privateKey',
  '*.privateKey',
  'token',
  '*.token',
  'req.headers.authorization',
  'headers.authorization',
];

export interface CreateLoggerOptions {
  /** @default 'info' */
  readonly level?: string;
  /** Where JSON lines go. @default process.stderr */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'wbguard' } },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );
}

/** A logger that drops everything (tests, `--quiet`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
