/**
 * @module app/config/cross-checks
 * Rules that relate several keys. They read the configuration defensively (as `unknown`), because they also run
 * when other keys are invalid: every problem is reported in one go, not the next one after each fix.
 *
 * Things only needed to *act* (a host key for each Web Bridge, a way to authenticate, a window) are errors when
 * the configuration says it acts on its own (`policy.mode: enforce`) and warnings otherwise: an observing daemon
 * or `wbguard analyze --config` needs neither, and `wbguard restart`/`trust` refuse at the moment of use anyway
 * (an MMP whose key is neither pinned nor in known_hosts is never connected to).
 */

export interface CrossIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

export interface CrossResult {
  readonly errors: CrossIssue[];
  readonly warnings: CrossIssue[];
}

type Rec = Record<string, unknown>;
type Path = ReadonlyArray<string | number>;

function rec(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A node list where it sits in the file: top level, or inside one of `clusters`. */
interface Located {
  readonly path: Path;
  readonly item: Rec;
}

function located(items: unknown, path: Path): Located[] {
  return list(items).flatMap((item, i) => {
    const r = rec(item);
    return r ? [{ path: [...path, i], item: r }] : [];
  });
}

/**
 * Reports the second and later uses of a value. With `bothExplicit`, a clash of two values that both came from a
 * fallback (a syslogHost defaulting to a duplicate name) is left to the check of that fallback, so it shows once.
 */
function unique(
  items: readonly Located[],
  key: string,
  pick: (item: Rec) => string | undefined,
  what: string,
  out: CrossIssue[],
  bothExplicit = false,
): void {
  const seen = new Map<string, Located>();
  for (const l of items) {
    const v = pick(l.item);
    if (v === undefined) {
      continue;
    }
    const first = seen.get(v);
    if (!first) {
      seen.set(v, l);
    } else if (!(bothExplicit && l.item[key] === undefined && first.item[key] === undefined)) {
      out.push({ path: [...l.path, key], message: `${what} ${v} is already used by ${first.path.join('.')}` });
    }
  }
}

function isLoopback(listen: string): boolean {
  return /^(127\.|localhost(:|$)|\[::1\])/.test(listen);
}

/** One cluster's nodes and policy, wherever they are written. */
interface Group {
  readonly path: Path;
  readonly webbridges: Located[];
  readonly callbridges: Located[];
  readonly policy: Rec;
  readonly policyPath: Path;
}

function groupsOf(c: Rec): Group[] {
  const topPolicy = rec(c.policy) ?? {};
  const clusters = located(c.clusters, ['clusters']);
  const top: Group = {
    path: [],
    webbridges: located(c.webbridges, ['webbridges']),
    callbridges: located(c.callbridges, ['callbridges']),
    policy: topPolicy,
    policyPath: ['policy'],
  };
  return [
    top,
    ...clusters.map(({ path, item }) => ({
      path,
      webbridges: located(item.webbridges, [...path, 'webbridges']),
      callbridges: located(item.callbridges, [...path, 'callbridges']),
      // A cluster without its own policy follows the top-level one.
      policy: rec(item.policy) ?? topPolicy,
      policyPath: item.policy === undefined ? ['policy'] : [...path, 'policy'],
    })),
  ];
}

export function crossCheck(data: unknown): CrossResult {
  const errors: CrossIssue[] = [];
  const warnings: CrossIssue[] = [];
  const c = rec(data) ?? {};
  const mmp = rec(c.mmp) ?? {};
  const restart = rec(c.restart) ?? {};
  const analysis = rec(c.analysis) ?? {};
  const groups = groupsOf(c);
  const allWebBridges = groups.flatMap((g) => g.webbridges);
  const allCallBridges = groups.flatMap((g) => g.callbridges);

  if (list(c.clusters).length > 0) {
    unique(located(c.clusters, ['clusters']), 'name', (k) => text(k.name), 'cluster name', errors);
    for (const key of ['webbridges', 'callbridges'] as const) {
      if (list(c[key]).length > 0) {
        errors.push({ path: [key], message: `with clusters, list the ${key} under each cluster` });
      }
    }
  }

  for (const g of groups) {
    unique(g.webbridges, 'name', (w) => text(w.name), 'name', errors);
    unique(g.callbridges, 'name', (w) => text(w.name), 'name', errors);
  }
  // Two nodes with one syslog host would merge their samples into one series, whatever cluster they are in.
  const syslogHost = (w: Rec) => text(w.syslogHost) ?? text(w.name);
  unique(allWebBridges, 'syslogHost', syslogHost, 'syslog host', errors, true);
  unique(allCallBridges, 'syslogHost', syslogHost, 'syslog host', errors, true);

  let anyActs = false;
  for (const g of groups) {
    // The daemon acts on its own only in enforce; what acting needs is an error there, a warning otherwise.
    const acts = g.policy.mode === 'enforce';
    anyActs ||= acts && g.webbridges.length > 0;
    const needed = acts ? errors : warnings;
    // Host keys: an MMP is only ever connected to with its key pinned or recorded.
    if (mmp.knownHosts === undefined) {
      for (const w of g.webbridges) {
        if (w.item.hostKey === undefined) {
          needed.push({
            path: [...w.path, 'hostKey'],
            message:
              'no host key: pin it here or set mmp.knownHosts and run wbguard trust (no MMP is connected to without)',
          });
        }
      }
    }
    list(g.policy.windows).forEach((w, i) => {
      const r = rec(w);
      if (r && typeof r.from === 'string' && r.from === r.to) {
        errors.push({
          path: [...g.policyPath, 'windows', i, 'to'],
          message: 'equals from: the window would never open (00:00 to 23:59 is a whole day)',
        });
      }
    });
    if (acts && g.webbridges.length > 0) {
      if (list(g.policy.windows).length === 0) {
        warnings.push({
          path: [...g.policyPath, 'windows'],
          message: 'enforce without a maintenance window: restarts may happen at any hour',
        });
      }
      if (g.policy.schedule === undefined && g.policy.leakTrigger === false) {
        warnings.push({
          path: g.policyPath,
          message: 'enforce with neither schedule nor leakTrigger: nothing will trigger a restart',
        });
      }
    }
  }
  // Authentication: password, key or agent; one account for every MMP.
  if (allWebBridges.length > 0 && mmp.password === undefined && mmp.privateKey === undefined && mmp.agent !== true) {
    (anyActs ? errors : warnings).push({
      path: ['mmp'],
      message: 'no way to log in: set mmp.password (by reference), mmp.privateKey (by reference) or mmp.agent: true',
    });
  }
  if (mmp.passphrase !== undefined && mmp.privateKey === undefined) {
    errors.push({ path: ['mmp', 'passphrase'], message: 'a passphrase needs mmp.privateKey' });
  }

  // High availability shares state through PostgreSQL: SQLite files are one machine's.
  const ha = rec(c.ha) ?? {};
  const store = c.store;
  const storeUrl = typeof store === 'string' ? store : (rec(store)?.url as unknown);
  if (ha.enabled === true && !(typeof storeUrl === 'string' && /^postgres(ql)?:\/\//.test(storeUrl))) {
    errors.push({ path: ['ha', 'enabled'], message: 'needs a PostgreSQL store: store: postgres://user@host/db' });
  }
  const leaseMs = typeof ha.leaseMs === 'number' ? ha.leaseMs : 15_000;
  if (typeof ha.renewEveryMs === 'number' && ha.renewEveryMs * 2 >= leaseMs) {
    errors.push({ path: ['ha', 'renewEveryMs'], message: `must be under ha.leaseMs / 2 (${leaseMs / 2} ms)` });
  }

  // Guard thresholds must leave room under the limit, or the guard can never (or always) pass.
  const limit = typeof analysis.limit === 'number' ? analysis.limit : 149;
  for (const key of ['maxActiveSessions', 'nearLimitMargin'] as const) {
    const v = restart[key];
    if (typeof v === 'number' && v >= limit) {
      errors.push({ path: ['restart', key], message: `must be below analysis.limit (${limit})` });
    }
  }

  for (const cb of allCallBridges) {
    const api = rec(cb.item.api);
    if (api?.insecure === true && api.ca !== undefined) {
      errors.push({ path: [...cb.path, 'api', 'insecure'], message: 'choose ca or insecure, not both' });
    }
  }
  const tls = rec(rec(c.syslog)?.tls);
  if (tls?.requireClientCert === true && tls.ca === undefined) {
    errors.push({
      path: ['syslog', 'tls', 'ca'],
      message: 'requireClientCert needs the ca that signs client certificates',
    });
  }

  list(c.alerts).forEach((a, i) => {
    const r = rec(a);
    if (r?.type === 'email' && (r.user === undefined) !== (r.password === undefined)) {
      errors.push({
        path: ['alerts', i, r.user === undefined ? 'user' : 'password'],
        message: 'user and password go together',
      });
    }
  });

  const http = rec(c.http) ?? {};
  const listen = text(http.listen);
  if (listen !== undefined && !isLoopback(listen) && http.token === undefined) {
    warnings.push({
      path: ['http', 'token'],
      message: 'the HTTP API listens beyond loopback without a token: nothing that acts is served',
    });
  }
  if (allWebBridges.length === 0) {
    warnings.push({ path: ['webbridges'], message: 'no Web Bridge configured: nothing to watch or restart' });
  }
  return { errors: distinct(errors), warnings: distinct(warnings) };
}

/** Clusters that share the top-level policy would each report its problem: once is enough. */
function distinct(issues: CrossIssue[]): CrossIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path.join('.')}\n${i.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
