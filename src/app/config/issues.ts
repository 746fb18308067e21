/**
 * @module app/config/issues
 * Turns the schema's findings into lines an operator can act on: `path.to.key: problem (line N)`. An unknown key
 * gets its own full path and, when it looks like a typo, the key that was meant. Each line may carry the stable
 * code it stands for (a plain secret: WBGUARD_ERR_SECRET_PLAINTEXT), so callers can pick the error's code.
 */
import type { z } from 'zod';
import { type JsonSchemaNode, jsonSchemaOf } from './json-schema.js';
import { plainMessage } from './plain-words.js';
import { ConfigSchema } from './schema.js';

export type ConfigPath = ReadonlyArray<PropertyKey>;

export interface ConfigIssue {
  readonly path: ConfigPath;
  readonly message: string;
  /** A stable code more specific than WBGUARD_ERR_CONFIG, when there is one. */
  readonly code?: string;
}

/** `webbridges.0.mmp`; the top level is named as such. */
export function formatPath(path: ConfigPath): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

function children(node: JsonSchemaNode | undefined): JsonSchemaNode[] {
  if (!node) {
    return [];
  }
  const alts = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  return alts.length > 0 ? alts.flatMap(children) : [node];
}

/** The keys an object at `path` may have, read from the schema itself. */
export function knownKeysAt(path: ConfigPath): string[] {
  let nodes = children(jsonSchemaOf(ConfigSchema));
  for (const seg of path) {
    nodes = nodes.flatMap((n) => (typeof seg === 'number' ? children(n.items) : children(n.properties?.[String(seg)])));
  }
  return [...new Set(nodes.flatMap((n) => Object.keys(n.properties ?? {})))];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/** The known key an unknown one was probably meant to be, if any is close enough to say so. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = key.toLowerCase() === lower ? 0 : distance(lower, key.toLowerCase());
    if (d <= Math.max(1, Math.floor(key.length / 4)) && (!best || d < best.d)) {
      best = { key, d };
    }
  }
  return best?.key;
}

/** One `ConfigIssue` per problem; an `unrecognized_keys` finding becomes one per key. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path);
      for (const key of issue.keys) {
        const hint = suggestKey(key, known);
        out.push({
          path: [...issue.path, key],
          message: hint ? `unknown key (did you mean ${hint}?)` : `unknown key (known here: ${known.join(', ')})`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
      const options = (issue as { options?: unknown[] }).options ?? [];
      out.push({ path: issue.path, message: `must be one of ${options.map(String).join(', ')}` });
      continue;
    }
    const code = (issue as { params?: { wbguardCode?: string } }).params?.wbguardCode;
    out.push({ path: issue.path, message: plainMessage(issue) ?? issue.message, ...(code ? { code } : {}) });
  }
  return out;
}

/** The line for one issue, with where it is in the file when that is known. */
export function formatIssue(issue: ConfigIssue, lineOf?: (path: ConfigPath) => number | undefined): string {
  const line = lineOf?.(issue.path);
  const code = issue.code ? ` [${issue.code}]` : '';
  return `${formatPath(issue.path)}: ${issue.message}${code}${line === undefined ? '' : ` (line ${line})`}`;
}

/** The most specific code that fits every issue: their shared one, else the general configuration code. */
export function codeOf(issues: readonly ConfigIssue[]): string {
  const codes = new Set(issues.map((i) => i.code ?? 'WBGUARD_ERR_CONFIG'));
  return codes.size === 1 ? ([...codes][0] as string) : 'WBGUARD_ERR_CONFIG';
}
