/** A logger (ports/logger.ts) that keeps every line as text, so a test can look for what must never be logged. */
import type { Logger } from '../../src/ports/logger.js';

export function capturingLogger(lines: string[]): Logger {
  const log = (level: string) => (a: unknown, b?: unknown) => lines.push(`${level} ${JSON.stringify(a)} ${b ?? ''}`);
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
    child: () => logger,
  };
  return logger;
}
