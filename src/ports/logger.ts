/**
 * @module ports/logger
 * The logging port: the subset of pino's API that wbguard uses, so adapters and use cases take a logger as an
 * option and tests can pass a silent or capturing one.
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}
