/**
 * @module app/config/docs
 * Renders docs/configuration.md from the schema, so the reference can never drift from the code (a test compares).
 */
import { z } from 'zod';
import { ConfigSchema } from './schema.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  required?: string[];
}

function typeOf(s: JsonSchema): string {
  if (s.enum) {
    return s.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  }
  if (s.anyOf || s.oneOf) {
    return [...new Set((s.anyOf ?? s.oneOf ?? []).map(typeOf))].join(' \\| ');
  }
  const t = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
  if (t === 'array' && s.items) {
    return `list of ${s.items.properties ? 'objects' : typeOf(s.items)}`;
  }
  const range = s.minimum !== undefined || s.maximum !== undefined ? ` (${s.minimum ?? ''}–${s.maximum ?? ''})` : '';
  return `${t}${range}`;
}

function walk(s: JsonSchema, path: string, rows: string[]): void {
  const target = s.anyOf?.find((x) => x.properties) ?? s;
  if (path) {
    const def = s.default === undefined ? '' : `\`${JSON.stringify(s.default)}\``;
    const desc = (s.description ?? target.description ?? '').replace(/\|/g, '\\|');
    rows.push(`| \`${path}\` | ${typeOf(s)} | ${def} | ${desc} |`);
  }
  if (target.properties) {
    for (const [k, v] of Object.entries(target.properties)) {
      walk(v, path ? `${path}.${k}` : k, rows);
    }
  }
  const item = target.items?.anyOf ?? target.items?.oneOf;
  if (target.items?.properties) {
    walk({ ...target.items, description: undefined, default: undefined }, `${path}[]`, rows.slice(0, 0));
    for (const [k, v] of Object.entries(target.items.properties)) {
      walk(v, `${path}[].${k}`, rows);
    }
  } else if (item) {
    for (const variant of item) {
      for (const [k, v] of Object.entries(variant.properties ?? {})) {
        if (!rows.some((r) => r.startsWith(`| \`${path}[].${k}\``))) {
          walk(v, `${path}[].${k}`, rows);
        }
      }
    }
  }
}

export function renderConfigurationDoc(): string {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: string[] = [];
  walk(schema, '', rows);
  return `# Configuration reference

<!-- Generated from src/app/config/schema.ts by \`npm run docs:config\`. Do not edit by hand: a test compares. -->

One YAML file, validated by one schema; unknown keys are rejected with their path, and every problem is listed at
once (\`wbguard config check\`). \`wbguard config init\` writes a commented example.

**Secrets** are never written in the file: give a reference, \`env:NAME\` or \`file:/path\` (the file must not be
readable by group or others: \`chmod 600\`). A plain value where a secret belongs is refused. Resolved secrets print
as \`[redacted]\` everywhere.

**Host keys**: each Web Bridge's SSH host key is pinned with \`webbridges[].hostKey\` or recorded in
\`mmp.knownHosts\` by \`wbguard trust\`; an unknown or changed key refuses the connection.

| key | type | default | description |
|---|---|---|---|
${rows.join('\n')}
`;
}
