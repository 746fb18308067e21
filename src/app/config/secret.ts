/**
 * @module app/config/secret
 * Secrets are given by reference only — `env:NAME` or `file:PATH` (the file must not be readable by group or others)
 * — and held in a `Secret` that prints as `[redacted]` everywhere (toString, JSON, util.inspect, template strings),
 * so no log line, error message or `--json` output can carry one by accident. Only `reveal()` gives the value.
 */
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { SecretError } from '../../errors.js';

export class Secret {
  readonly #value: string;
  /** Where it came from (`env:NAME`, `file:PATH`, `inline:demo`): safe to print. */
  readonly reference: string;

  constructor(value: string, reference: string) {
    this.#value = value;
    this.reference = reference;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return this.reference;
  }

  [inspect.custom](): string {
    return `Secret(${this.reference})`;
  }
}

export const SECRET_REFERENCE = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;

/** Resolves a reference; `key` names the configuration key in errors (never the value). */
export function resolveSecret(reference: string, key: string, env: NodeJS.ProcessEnv): Secret {
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
  if (reference.startsWith('file:')) {
    const path = reference.slice(5);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch {
      throw new SecretError('WBGUARD_ERR_SECRET_MISSING', `secret file not found [key:${key}, file:${path}]`);
    }
    if (!st.isFile()) {
      throw new SecretError(
        'WBGUARD_ERR_SECRET_MISSING',
        `secret file is not a regular file [key:${key}, file:${path}]`,
      );
    }
    if ((st.mode & 0o077) !== 0) {
      throw new SecretError(
        'WBGUARD_ERR_SECRET_PERMISSIONS',
        `secret file is readable by others [key:${key}, file:${path}, mode:${(st.mode & 0o777).toString(8)}]`,
        {
          hint: `chmod 600 ${path}`,
        },
      );
    }
    return new Secret(readFileSync(path, 'utf8').replace(/\r?\n$/, ''), reference);
  }
  throw new SecretError(
    'WBGUARD_ERR_SECRET_PLAINTEXT',
    `a secret must be a reference, not the secret itself [key:${key}]`,
    {
      hint: `write ${key}: env:NAME or ${key}: file:/path/to/secret (chmod 600)`,
    },
  );
}
