/**
 * @module app/config/docs
 * Renders docs/configuration.md from the schema, so the reference can never drift from the code (a test compares
 * the committed file with this output).
 */
import { EXAMPLE_CONFIG } from './example.js';
import { type JsonSchemaNode, jsonSchemaOf } from './json-schema.js';
import { ConfigSchema } from './schema.js';

export interface KeyRow {
  /** `webbridges[].mmp` */
  readonly key: string;
  readonly type: string;
  readonly defaultValue: unknown;
  readonly required: boolean;
  readonly description: string | undefined;
}

function alternatives(s: JsonSchemaNode): JsonSchemaNode[] {
  return [...(s.anyOf ?? []), ...(s.oneOf ?? [])];
}

function typeOf(s: JsonSchemaNode): string {
  if (s['x-wbguard-type']) {
    return s['x-wbguard-type'];
  }
  if (s.enum) {
    return s.enum.map((e) => `\`${String(e)}\``).join(', ');
  }
  if (s.const !== undefined) {
    return `\`${String(s.const)}\``;
  }
  const alts = alternatives(s);
  if (alts.length > 0) {
    return [...new Set(alts.map(typeOf))].join(' or ');
  }
  const t = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (t === 'array' && s.items) {
    const items = alternatives(s.items).length > 0 || s.items.properties ? 'objects' : typeOf(s.items);
    return `list of ${items}`;
  }
  // A maximum of MAX_SAFE_INTEGER is zod's way of saying "any integer": not worth printing.
  const max = s.maximum === Number.MAX_SAFE_INTEGER ? undefined : s.maximum;
  const range = s.minimum !== undefined || max !== undefined ? ` ${s.minimum ?? ''}–${max ?? ''}` : '';
  return `${t}${range}`;
}

interface ZodNode {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly innerType?: ZodNode;
      readonly in?: ZodNode;
      readonly out?: ZodNode;
      readonly element?: ZodNode;
      readonly shape?: Record<string, ZodNode>;
      readonly options?: ZodNode[];
      readonly defaultValue?: unknown;
    };
  };
}

/**
 * The default of the key at `path` (`clusters[].callbridges`), read from the zod schema itself. JSON Schema drops
 * the default of a list whose items transform a value (file:/path → /path), so the reference asks zod instead.
 */
function zodDefaultAt(path: string): unknown {
  let node: ZodNode | undefined = ConfigSchema as unknown as ZodNode;
  const unwrap = (n: ZodNode): ZodNode => {
    const d = n._zod.def;
    if (d.type === 'default' || d.type === 'prefault' || d.type === 'optional' || d.type === 'nullable') {
      return unwrap(d.innerType as ZodNode);
    }
    return d.type === 'pipe' ? unwrap((d.in?._zod.def.type === 'transform' ? d.out : d.in) as ZodNode) : n;
  };
  for (const part of path.split('.')) {
    const [key = '', ...brackets] = part.split('[]');
    let n: ZodNode | undefined = node ? unwrap(node)._zod.def.shape?.[key] : undefined;
    for (const _ of brackets) {
      n = n ? unwrap(n)._zod.def.element : undefined;
    }
    node = n;
  }
  const d = node?._zod.def;
  return d?.type === 'default' ? d.defaultValue : undefined;
}

/** Keys of clusters[] that take the same keys as the top level: listed once there, not again. */
const SAME_AS_TOP = new Set(['clusters[].webbridges', 'clusters[].callbridges', 'clusters[].policy']);

/** Every key of the configuration, depth first, as the reference lists them. */
export function configKeyRows(): KeyRow[] {
  const rows: KeyRow[] = [];
  const walk = (s: JsonSchemaNode, path: string, required: boolean, only?: string[]): void => {
    if (path) {
      const fallback = s.default === undefined && s.type === 'array' ? zodDefaultAt(path) : undefined;
      const note = only ? ` (${only.join(', ')} only)` : '';
      rows.push({
        key: path,
        type: typeOf(s),
        defaultValue: s.default ?? fallback,
        required,
        description: s.description === undefined && !note ? undefined : `${s.description ?? ''}${note}`.trim(),
      });
    }
    if (SAME_AS_TOP.has(path)) {
      return;
    }
    // Objects: their keys. Lists: the keys of their items; for a union (alerts), every variant's keys, once each,
    // with the variants a key belongs to when not all of them have it.
    const objects = s.properties
      ? [s]
      : s.items
        ? [s.items, ...alternatives(s.items)].filter((x) => x.properties)
        : alternatives(s).filter((x) => x.properties);
    const prefix = s.items ? `${path}[]` : path;
    const variants = new Map<string, { node: JsonSchemaNode; required: boolean; in: string[] }>();
    for (const o of objects) {
      const tag = String(o.properties?.type?.const ?? '');
      for (const [k, v] of Object.entries(o.properties ?? {})) {
        const seen = variants.get(k);
        if (seen) {
          seen.in.push(tag);
          seen.required &&= (o.required ?? []).includes(k);
        } else {
          variants.set(k, { node: v, required: (o.required ?? []).includes(k), in: [tag] });
        }
      }
    }
    for (const [k, v] of variants) {
      const node = k === 'type' && objects.length > 1 ? { ...v.node, enum: v.in, const: undefined } : v.node;
      const partial = objects.length > 1 && v.in.length < objects.length ? v.in : undefined;
      walk(node, prefix ? `${prefix}.${k}` : k, v.required, partial);
    }
  };
  walk(jsonSchemaOf(ConfigSchema), '', false);
  return rows;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderConfigurationDoc(): string {
  const rows = configKeyRows().map((r) => {
    // An object's default is "each of its keys' defaults", shown on those keys.
    const isObject = r.defaultValue !== null && typeof r.defaultValue === 'object' && !Array.isArray(r.defaultValue);
    const def =
      r.defaultValue === undefined || isObject
        ? r.required
          ? 'required'
          : ''
        : `\`${JSON.stringify(r.defaultValue)}\``;
    return `| \`${r.key}\` | ${cell(r.type)} | ${cell(def)} | ${cell(r.description ?? '')} |`;
  });
  return `# Configuration reference

<!-- Generated from src/app/config/schema.ts by \`npm run docs:config\`. Do not edit by hand: a test compares. -->

One YAML file, validated by one schema. \`wbguard config check\` lists every problem at once, each as
\`path.to.key: problem (line N)\`; an unknown key is an error (with the key it probably meant), never silently
ignored. \`wbguard config init\` writes the commented example below; \`wbguard config print\` shows the effective
configuration with every default filled in.

The file is found by \`--config FILE\`, else \`$WBGUARD_CONFIG\`, else \`./wbguard.yaml\`, else
\`/etc/wbguard/config.yaml\`. Paths are used as written: give absolute ones.

## Secrets

A secret is never written in the file. Give a reference:

- \`env:NAME\`: the environment variable NAME (for example from a systemd \`EnvironmentFile=\` readable only by root);
- \`file:/path\`: the content of a regular file that is not readable or writable by group or others (\`chmod 600\`),
  one trailing newline ignored. Any other mode is refused with \`WBGUARD_ERR_SECRET_PERMISSIONS\`.

A plain value where a secret belongs is refused with \`WBGUARD_ERR_SECRET_PLAINTEXT\`, naming the key and never the
value; so is a password inside a URL. A variable that is not set, or a file that is missing or empty, is
\`WBGUARD_ERR_SECRET_MISSING\`. Secrets are read when the configuration is loaded, and print as \`[redacted]\`
everywhere (logs, \`--json\`, error messages); \`wbguard config print\` shows the references.

One secret that cannot be resolved raises its own \`SecretError\`. Several problems, of any kind, come in one
\`ConfigError\` that lists each; its code is the one they share (\`WBGUARD_ERR_SECRET_PLAINTEXT\` when every
problem is a plain secret), else \`WBGUARD_ERR_CONFIG\`. Code that builds its configuration in memory (the demo,
tests) may pass \`Secret.of(value)\` where a reference is expected.

## Rules across keys

- Every Web Bridge needs its SSH host key pinned (\`webbridges[].hostKey\`) or \`mmp.knownHosts\` (written by
  \`wbguard trust\`), and the MMP account a way to log in (\`mmp.password\`, \`mmp.privateKey\` or \`mmp.agent\`).
  With \`policy.mode: enforce\` a missing one is an error; otherwise a warning, since an observing daemon needs
  neither and \`wbguard restart\`/\`trust\` never connect to an MMP whose key is not pinned or known.
- Names are unique among Web Bridges and among Call Bridges, and so are their syslog hosts.
- \`restart.maxActiveSessions\` and \`restart.nearLimitMargin\` are below \`analysis.limit\`.
- \`mmp.passphrase\` needs \`mmp.privateKey\`; \`syslog.tls.requireClientCert\` needs \`syslog.tls.ca\`;
  \`callbridges[].api\` takes \`ca\` or \`insecure\`, not both; an e-mail alert's \`user\` and \`password\` go together;
  a maintenance window's \`from\` and \`to\` differ (\`to\` before \`from\` runs over midnight).
- Warnings (printed by \`wbguard config check\`, not fatal): enforce without a maintenance window or without any
  trigger, an HTTP listener beyond loopback without a token, no Web Bridge at all.

## Several clusters

A service provider can describe several CMS clusters in one file: \`clusters:\` instead of \`webbridges\` and
\`callbridges\` at the top level. Each cluster has its own nodes and may have its own \`policy\` (mode, schedule,
windows); everything else (\`mmp\`, \`restart\`, \`analysis\`, \`syslog\`, \`store\`, …) is shared. Node names
are unique within a cluster; syslog hosts are unique across all of them, since one listener receives them all.

\`wbguard run\` guards each cluster on its own: its leak is Σ of its own Web Bridges − Σ of its own Call Bridges'
CMA, its policy and schedule are evaluated apart, a restart runs one Web Bridge at a time *in that cluster* (two
clusters may each restart one at once) under that cluster's lock, and journal entries, events and alerts name the
cluster. The dashboard shows the clusters side by side, \`/metrics\` labels every series with \`cluster\`, the API
takes \`?cluster=NAME\` (docs/dashboard.md), \`wbguard status\` shows each in turn (\`--cluster NAME\` for one) and
\`wbguard restart --cluster NAME\` acts on one.

\`\`\`yaml
clusters:
  - name: berlin
    webbridges: [ { name: cms1, mmp: 10.1.0.11:22, syslogHost: ber-cms1 } ]
    callbridges: [ { name: cms1, syslogHost: ber-cms1 } ]
    policy: { mode: enforce, windows: [ { days: [sun], from: "01:00", to: "04:00", tz: Europe/Berlin } ] }
  - name: paris
    webbridges: [ { name: cms1, mmp: 10.2.0.11:22, syslogHost: par-cms1 } ]
    callbridges: [ { name: cms1, syslogHost: par-cms1 } ]
\`\`\`

## Keys

| key | type | default | description |
|---|---|---|---|
${rows.join('\n')}

## Example (\`wbguard config init\`)

Lines that start with \`#\` directly followed by a key are optional settings: remove the \`#\` to use one.

\`\`\`yaml
${EXAMPLE_CONFIG.trimEnd()}
\`\`\`
`;
}
