/**
 * @module app/config/secrets
 * Secrets are given by reference only — `env:NAME` or `file:PATH` (a regular file not readable by group or others)
 * — and held in a `Secret` that prints as `[redacted]` everywhere (toString, JSON, util.inspect, template strings),
 * so no log line, error message or `--json` output can carry one by accident. Only `reveal()` gives the value.
 * Code that embeds wbguard (the demo, tests) may hand a `Secret.of(value)` where a reference is expected.
 */
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { SecretError } from '../../errors.js';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;
  /** Where it came from (`env:NAME`, `file:PATH`, `inline`): safe to print, never the value. */
  readonly reference: string;

  constructor(value: string, reference: string) {
    this.#value = value;
    this.reference = reference;
  }

  /** A secret held in memory, for code that builds its configuration itself (the demo, tests). */
  static of(value: string, label = 'inline'): Secret {
    return new Secret(value, label);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  // `${secret}` and `'' + secret` go through here in every hint.
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}

/** `env:NAME` (a POSIX variable name) or `file:PATH`. */
export const SECRET_REFERENCE = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;

/** True when the string is a reference rather than (what looks like) the secret itself. */
export function isSecretReference(value: string): boolean {
  return SECRET_REFERENCE.test(value);
}

/** What a secret reference points at, or how it is held. Safe to print. */
export type SecretSource = string | Secret;

/** Prints a configured secret as its reference (`env:NAME`, `file:PATH`) or `[redacted]`; never its value. */
export function describeSecret(value: SecretSource): string {
  return typeof value === 'string' ? value : value.toString();
}

/**
 * Resolves a reference; `key` names the configuration key in errors (never the value). A `Secret` passes through.
 * @throws SecretError WBGUARD_ERR_SECRET_MISSING | WBGUARD_ERR_SECRET_PERMISSIONS | WBGUARD_ERR_SECRET_PLAINTEXT
 */
export function resolveSecret(reference: SecretSource, key: string, env: NodeJS.ProcessEnv): Secret {
  if (reference instanceof Secret) {
    return reference;
  }
  if (!isSecretReference(reference)) {
    throw new SecretError(
      'WBGUARD_ERR_SECRET_PLAINTEXT',
      `a secret must be a reference, not the secret itself [key:${key}]`,
      { hint: `write ${key}: env:NAME or ${key}: file:/path/to/secret (chmod 600)` },
    );
  }
  if (reference.startsWith('env:')) {
    const name = reference.slice(4);
    const value = env[name];
    if (value === undefined || value === '') {
      throw new SecretError('WBGUARD_ERR_SECRET_MISSING', `secret not set [key:${key}, env:${name}]`, {
        hint: `export ${name}=… in the environment of wbguard (or use file:/path with chmod 600)`,
      });
    }
    return new Secret(value, reference);
  }
  return new Secret(readSecretFile(reference.slice(5), key), reference);
}

function readSecretFile(path: string, key: string): string {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new SecretError('WBGUARD_ERR_SECRET_MISSING', `secret file not found [key:${key}, file:${path}]`, {
      hint: `create it readable only by wbguard's user: install -m 600 /dev/null ${path}, then write the secret in it`,
    });
  }
  if (!st.isFile()) {
    throw new SecretError('WBGUARD_ERR_SECRET_MISSING', `secret file is not a regular file [key:${key}, file:${path}]`);
  }
  // A secret others can read is no longer a secret: refuse it rather than use it.
  if ((st.mode & 0o077) !== 0) {
    throw new SecretError(
      'WBGUARD_ERR_SECRET_PERMISSIONS',
      `secret file is readable or writable by group or others [key:${key}, file:${path}, mode:${(st.mode & 0o777).toString(8)}]`,
      { hint: `chmod 600 ${path}` },
    );
  }
  // One trailing newline is what `echo secret > file` leaves; it is never part of the secret.
  const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  if (value === '') {
    throw new SecretError('WBGUARD_ERR_SECRET_MISSING', `secret file is empty [key:${key}, file:${path}]`);
  }
  return value;
}
