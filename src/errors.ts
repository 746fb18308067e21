/**
 * @module errors
 * Every error wbguard raises on purpose carries a stable `code` (`WBGUARD_ERR_*`) that scripts may rely on. The codes
 * are listed once, in {@link ERROR_CODES}; `docs/errors.md` documents each (a test keeps the two in step). The CLI
 * maps classes to exit codes; the HTTP layer maps codes to statuses (app/http/api-errors.ts). Messages: lowercase,
 * fixed text first, context in brackets.
 */

/** Every stable error code, in the order docs/errors.md describes them. */
export const ERROR_CODES = Object.freeze([
  'WBGUARD_ERR_USAGE',
  'WBGUARD_ERR_CONFIG',
  'WBGUARD_ERR_SECRET_MISSING',
  'WBGUARD_ERR_SECRET_PERMISSIONS',
  'WBGUARD_ERR_SECRET_PLAINTEXT',
  'WBGUARD_ERR_SSH_CONNECT',
  'WBGUARD_ERR_SSH_AUTH',
  'WBGUARD_ERR_SSH_HOST_KEY',
  'WBGUARD_ERR_SSH_TIMEOUT',
  'WBGUARD_ERR_SSH_EXIT',
  'WBGUARD_ERR_SSH_CLOSED',
  'WBGUARD_ERR_SSH_PASSWORD_EXPIRED',
  'WBGUARD_ERR_API_AUTH',
  'WBGUARD_ERR_API_FORBIDDEN',
  'WBGUARD_ERR_API_NOT_FOUND',
  'WBGUARD_ERR_API_SERVER',
  'WBGUARD_ERR_API_TLS',
  'WBGUARD_ERR_API_TIMEOUT',
  'WBGUARD_ERR_API_CONNECT',
  'WBGUARD_ERR_API_XML',
  'WBGUARD_ERR_STORE',
  'WBGUARD_ERR_STORE_CONNECT',
  'WBGUARD_ERR_STORE_FULL',
  'WBGUARD_ERR_STORE_LOCKED',
  'WBGUARD_ERR_STORE_SCHEMA',
  'WBGUARD_ERR_INVALID_STATE',
  'WBGUARD_ERR_REFUSED',
  'WBGUARD_ERR_PORT_IN_USE',
  'WBGUARD_ERR_ALERT_DELIVERY',
  'WBGUARD_ERR_HTTP_INPUT',
  'WBGUARD_ERR_HTTP_AUTH',
  'WBGUARD_ERR_HTTP_FORBIDDEN',
  'WBGUARD_ERR_HTTP_NOT_FOUND',
  'WBGUARD_ERR_HTTP_FOLLOWER',
  'WBGUARD_ERR_HTTP_TOO_LARGE',
  'WBGUARD_ERR_HTTP_INTERNAL',
] as const);
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(code: string): code is ErrorCode {
  return KNOWN_CODES.has(code);
}

/** Exit codes of the `wbguard` CLI (a contract: docs/errors.md). */
export const EXIT = Object.freeze({ OK: 0, FAILURE: 1, USAGE: 2, REFUSED: 3 });
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface WbguardErrorOptions {
  readonly cause?: unknown;
  /** One line telling the operator how to fix it, printed after the message. */
  readonly hint?: string;
}

export class WbguardError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  /** Exit code the CLI uses for this error. */
  readonly exitCode: ExitCode = EXIT.FAILURE;

  constructor(code: ErrorCode, message: string, options: WbguardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** An action refused on purpose: by a safety guard, or a command the caller may not send (exit 3). */
export class RestartRefusedError extends WbguardError {
  override readonly exitCode = EXIT.REFUSED;
  constructor(message: string, options?: WbguardErrorOptions) {
    super('WBGUARD_ERR_REFUSED', message, options);
  }
}

/** Bad command-line arguments (exit 2). */
export class UsageError extends WbguardError {
  override readonly exitCode = EXIT.USAGE;
  constructor(message: string, options?: WbguardErrorOptions) {
    super('WBGUARD_ERR_USAGE', message, options);
  }
}

/**
 * A configuration file or value that cannot be used (exit 2). `issues` lists every problem by path. `code` may come
 * from a configuration issue's parameters: one outside the registry falls back to the general configuration code.
 */
export class ConfigError extends WbguardError {
  override readonly exitCode = EXIT.USAGE;
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = [], options?: WbguardErrorOptions & { code?: string }) {
    const code = options?.code;
    super(code !== undefined && isErrorCode(code) ? code : 'WBGUARD_ERR_CONFIG', message, options);
    this.issues = issues;
  }
}

/** A secret reference (`env:`, `file:`) that cannot be resolved or is unsafe (exit 2). */
export class SecretError extends WbguardError {
  override readonly exitCode = EXIT.USAGE;
  constructor(
    code: 'WBGUARD_ERR_SECRET_MISSING' | 'WBGUARD_ERR_SECRET_PERMISSIONS' | 'WBGUARD_ERR_SECRET_PLAINTEXT',
    message: string,
    options?: WbguardErrorOptions,
  ) {
    super(code, message, options);
  }
}

export type SshErrorCode =
  | 'WBGUARD_ERR_SSH_CONNECT'
  | 'WBGUARD_ERR_SSH_AUTH'
  | 'WBGUARD_ERR_SSH_HOST_KEY'
  | 'WBGUARD_ERR_SSH_TIMEOUT'
  | 'WBGUARD_ERR_SSH_EXIT'
  | 'WBGUARD_ERR_SSH_CLOSED'
  | 'WBGUARD_ERR_SSH_PASSWORD_EXPIRED';

/** Talking to an MMP over SSH failed. */
export class SshError extends WbguardError {
  constructor(code: SshErrorCode, message: string, options?: WbguardErrorOptions) {
    super(code, message, options);
  }
}

export type CmsApiErrorCode = Extract<ErrorCode, `WBGUARD_ERR_API_${string}`>;

/** The CMS REST API answered with an error or could not be reached. */
export class CmsApiError extends WbguardError {
  readonly statusCode: number | undefined;
  constructor(code: CmsApiErrorCode, message: string, statusCode?: number, options?: WbguardErrorOptions) {
    super(code, message, options);
    this.statusCode = statusCode;
  }
}

export type StoreErrorCode =
  | 'WBGUARD_ERR_STORE'
  | 'WBGUARD_ERR_STORE_CONNECT'
  | 'WBGUARD_ERR_STORE_SCHEMA'
  | 'WBGUARD_ERR_STORE_FULL'
  | 'WBGUARD_ERR_STORE_LOCKED';

/** The state store (SQLite, PostgreSQL) failed. */
export class StoreError extends WbguardError {
  constructor(message: string, options?: WbguardErrorOptions & { code?: StoreErrorCode }) {
    super(options?.code ?? 'WBGUARD_ERR_STORE', message, options);
  }
}

/** A call on an object that has been closed. */
export class InvalidStateError extends WbguardError {
  constructor(message: string, options?: WbguardErrorOptions) {
    super('WBGUARD_ERR_INVALID_STATE', message, options);
  }
}

export type HttpRequestErrorCode = Extract<ErrorCode, `WBGUARD_ERR_HTTP_${string}`>;

/** A request to wbguard's own HTTP API that is refused; the HTTP layer answers with the status its code maps to. */
export class HttpRequestError extends WbguardError {
  constructor(code: HttpRequestErrorCode, message: string, options?: WbguardErrorOptions) {
    super(code, message, options);
  }
}
