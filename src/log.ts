/**
 * @module log
 * The one place pino is configured. Everything else receives a `Logger` (ports/logger.ts). Secrets are redacted
 * by path as a second line of defence: the first is that secrets are never put in log fields at all. Fields hold
 * text from logs and the network (host names, messages): each line leaves here with every control character
 * escaped (core/text/printable.ts), so reading the log in a terminal never obeys one.
 */
import { pino } from 'pino';
import { printableJson } from './core/text/printable.js';
import type { Logger } from './ports/logger.js';

const REDACT_PATHS = [
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

/**
 * Where the JSON lines go, each made printable on the way: pino escapes C0 controls as JSON does, but leaves DEL,
 * C1 controls (U+009B is CSI to some terminals) and the bidirectional overrides raw. The escape keeps the value.
 */
function printableDestination(destination: NodeJS.WritableStream): pino.DestinationStream {
  return { write: (line: string) => destination.write(printableJson(line)) };
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'wbguard' } },
    printableDestination(options.destination ?? process.stderr),
  );
}
