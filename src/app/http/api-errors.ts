/**
 * @module app/http/api-errors
 * The one place an error code becomes an HTTP status, and the one shape of an error answer:
 * `{"error": "<message>", "code": "WBGUARD_ERR_…"}`. The record is total, so a new code cannot be added to
 * src/errors.ts without choosing its status here.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, HttpRequestError, WbguardError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';

const HTTP_STATUS: Readonly<Record<ErrorCode, ContentfulStatusCode>> = Object.freeze({
  WBGUARD_ERR_HTTP_INPUT: 400,
  WBGUARD_ERR_HTTP_AUTH: 401,
  WBGUARD_ERR_HTTP_FORBIDDEN: 403,
  WBGUARD_ERR_HTTP_NOT_FOUND: 404,
  WBGUARD_ERR_HTTP_FOLLOWER: 409,
  WBGUARD_ERR_HTTP_TOO_LARGE: 413,
  WBGUARD_ERR_HTTP_INTERNAL: 500,
  // Raised while answering (a restart run, a store read): the daemon's own inputs, or a system behind it.
  WBGUARD_ERR_USAGE: 400,
  WBGUARD_ERR_CONFIG: 500,
  WBGUARD_ERR_SECRET_MISSING: 500,
  WBGUARD_ERR_SECRET_PERMISSIONS: 500,
  WBGUARD_ERR_SECRET_PLAINTEXT: 500,
  WBGUARD_ERR_INVALID_STATE: 500,
  WBGUARD_ERR_REFUSED: 409,
  WBGUARD_ERR_PORT_IN_USE: 500,
  WBGUARD_ERR_ALERT_DELIVERY: 502,
  WBGUARD_ERR_SSH_CONNECT: 502,
  WBGUARD_ERR_SSH_AUTH: 502,
  WBGUARD_ERR_SSH_HOST_KEY: 502,
  WBGUARD_ERR_SSH_TIMEOUT: 502,
  WBGUARD_ERR_SSH_EXIT: 502,
  WBGUARD_ERR_SSH_CLOSED: 502,
  WBGUARD_ERR_SSH_PASSWORD_EXPIRED: 502,
  WBGUARD_ERR_API_AUTH: 502,
  WBGUARD_ERR_API_FORBIDDEN: 502,
  WBGUARD_ERR_API_NOT_FOUND: 502,
  WBGUARD_ERR_API_SERVER: 502,
  WBGUARD_ERR_API_TLS: 502,
  WBGUARD_ERR_API_TIMEOUT: 502,
  WBGUARD_ERR_API_CONNECT: 502,
  WBGUARD_ERR_API_XML: 502,
  WBGUARD_ERR_STORE: 503,
  WBGUARD_ERR_STORE_CONNECT: 503,
  WBGUARD_ERR_STORE_FULL: 503,
  WBGUARD_ERR_STORE_LOCKED: 503,
  WBGUARD_ERR_STORE_SCHEMA: 503,
});

export function httpStatusOf(code: ErrorCode): ContentfulStatusCode {
  return HTTP_STATUS[code];
}

/**
 * The answer to a failed request. A WbguardError keeps its code and message; anything else is a bug or a library
 * failure whose message may hold internals, so it is logged and answered with the fixed internal code.
 */
export function errorAnswer(c: Context, err: unknown, log?: Logger): Response {
  const known =
    err instanceof WbguardError
      ? err
      : new HttpRequestError('WBGUARD_ERR_HTTP_INTERNAL', 'internal error', { cause: err });
  if (!(err instanceof HttpRequestError)) {
    log?.error({ err, path: c.req.path, code: known.code }, 'http request failed');
  }
  const headers: Record<string, string> =
    known.code === 'WBGUARD_ERR_HTTP_AUTH' ? { 'www-authenticate': 'Bearer' } : {};
  return c.json({ error: known.message, code: known.code }, httpStatusOf(known.code), headers);
}
