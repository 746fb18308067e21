/**
 * @module core/journal/entries
 * The journal's entries and their one builder per kind. People's scripts read `journal.jsonl`: the fields and their
 * order are a contract (docs/journal.md); a builder may add fields, never rename or drop one. Instants come in as
 * epoch milliseconds and leave as ISO-8601 strings: the journal is an edge.
 */

export type JournalKind =
  | 'plan'
  | 'decision'
  | 'command'
  | 'output'
  | 'verification'
  | 'result'
  | 'trust'
  | 'checkpoint';

export interface JournalEntry {
  readonly ts: string;
  /** Who or what triggered it: `cli:<user>`, `daemon:schedule`, … */
  readonly trigger: string;
  readonly kind: JournalKind;
  readonly cluster: string;
  readonly node?: string;
  readonly outcome?: string;
  readonly [key: string]: unknown;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The decisions of a rolling plan, as every door has them. */
export interface PlanOfEntry {
  readonly order: readonly string[];
  readonly decisions: ReadonlyArray<{
    readonly name: string;
    readonly kind: string;
    readonly reasons: readonly string[];
    readonly guards: ReadonlyArray<{ readonly guard: string; readonly verdict: string } | unknown>;
  }>;
}

/**
 * A plan: every Web Bridge's decision with every guard's verdict and numbers. The daemon adds its `mode` and
 * `action`, the CLI whether it was a `dryRun`; a rolling restart writes it bare just before its commands.
 */
export function planEntry(p: {
  readonly at: number;
  readonly trigger: string;
  readonly cluster: string;
  readonly plan: PlanOfEntry;
  readonly mode?: string;
  readonly action?: string;
  readonly dryRun?: boolean;
}): JournalEntry {
  return {
    ts: iso(p.at),
    trigger: p.trigger,
    kind: 'plan',
    cluster: p.cluster,
    ...(p.mode !== undefined ? { mode: p.mode } : {}),
    ...(p.action !== undefined ? { action: p.action } : {}),
    ...(p.dryRun !== undefined ? { dryRun: p.dryRun } : {}),
    order: p.plan.order,
    decisions: p.plan.decisions.map((d) => ({ node: d.name, kind: d.kind, reasons: d.reasons, guards: d.guards })),
  };
}

/**
 * What makes two plans "the same" for the journal: who asked, what was to be done and every guard's verdict, not
 * the numbers (data ages change at every evaluation). An unchanged plan is written once, not at every evaluation.
 */
export function planIdentity(entry: JournalEntry): string {
  const decisions = Array.isArray(entry.decisions) ? (entry.decisions as ReadonlyArray<Record<string, unknown>>) : [];
  return JSON.stringify([
    entry.trigger,
    entry.cluster,
    entry.mode,
    entry.action,
    entry.dryRun,
    entry.order,
    decisions.map((d) => [
      d.node,
      d.kind,
      Array.isArray(d.guards)
        ? (d.guards as ReadonlyArray<{ guard?: unknown; verdict?: unknown }>).map((g) => `${g.guard}:${g.verdict}`)
        : [],
    ]),
  ]);
}

/** Who wrote an entry about one Web Bridge, and when. */
export interface NodeEntryBase {
  readonly at: number;
  readonly trigger: string;
  readonly cluster: string;
  readonly node: string;
}

function nodeEntry(kind: JournalKind, b: NodeEntryBase, fields: Record<string, unknown>): JournalEntry {
  return { ts: iso(b.at), trigger: b.trigger, kind, cluster: b.cluster, node: b.node, ...fields };
}

/** A Web Bridge of a running plan held back when asked again just before its restart, or by the lock. */
export function decisionEntry(
  b: NodeEntryBase & { readonly outcome: 'deferred' | 'skipped'; readonly reasons: readonly string[] },
): JournalEntry {
  return nodeEntry('decision', b, { outcome: b.outcome, reasons: b.reasons });
}

/** The restart command about to be sent, with the guards that let it through. */
export function commandEntry(
  b: NodeEntryBase & { readonly command: string; readonly guards: readonly unknown[] },
): JournalEntry {
  return nodeEntry('command', b, { command: b.command, guards: b.guards });
}

/** What the restart command returned. */
export function outputEntry(
  b: NodeEntryBase & {
    readonly output: {
      readonly stdout: string;
      readonly stderr: string;
      readonly exitCode: number | null;
      readonly durationMs: number;
    };
  },
): JournalEntry {
  const { stdout, stderr, exitCode, durationMs } = b.output;
  return nodeEntry('output', b, { stdout, stderr, exitCode, durationMs });
}

/** The readings taken while the Web Bridge came back (or did not). */
export function verificationEntry(
  b: NodeEntryBase & { readonly verified: boolean; readonly readings: readonly unknown[] },
): JournalEntry {
  return nodeEntry('verification', b, { outcome: b.verified ? 'verified' : 'not verified', readings: b.readings });
}

/** An MMP host key recorded by `wbguard trust`. */
export function trustEntry(b: NodeEntryBase & { readonly fingerprint: string }): JournalEntry {
  return nodeEntry('trust', b, { fingerprint: b.fingerprint, outcome: 'recorded' });
}

/** A restart that ends: `success`, `failure` or `abandoned`, with why. */
export function resultEntry(
  r: NodeEntryBase & {
    readonly outcome: 'success' | 'failure' | 'abandoned';
    readonly reasons?: readonly string[];
    readonly error?: { readonly code: string; readonly message: string };
    /** For a restart closed after its process died: when its command was sent (epoch ms). */
    readonly interruptedAt?: number;
  },
): JournalEntry {
  return nodeEntry('result', r, {
    outcome: r.outcome,
    ...(r.interruptedAt !== undefined ? { interrupted: iso(r.interruptedAt) } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.reasons !== undefined ? { reasons: r.reasons } : {}),
  });
}

/** One Web Bridge's restart history as carried by a checkpoint (see folds.ts `NodeRestartState`). */
export interface CheckpointNode {
  readonly cluster: string;
  readonly node: string;
  readonly lastCommandAt?: number;
  /** Its commands of the two days up to its last one (restarts today, in any time zone). */
  readonly recentCommandsAt?: readonly number[];
  readonly open: boolean;
  readonly lastCommandOutcome?: string;
  readonly lastOutcome?: string;
  readonly lastOutcomeAt?: number;
}

/**
 * A checkpoint: the folds' state over everything written before byte `upTo` of this file, so that reading the
 * history stops here instead of at the journal's first line. Written by the journal itself (at the head of a new
 * file and every so many bytes); scripts that read the journal skip it like any kind they do not know.
 */
export function checkpointEntry(at: number, upTo: number, nodes: readonly CheckpointNode[]): JournalEntry {
  return {
    ts: iso(at),
    trigger: 'wbguard:journal',
    kind: 'checkpoint',
    cluster: '*',
    upTo,
    nodes: nodes.map((n) => ({
      cluster: n.cluster,
      node: n.node,
      open: n.open,
      ...(n.lastCommandAt !== undefined ? { lastCommand: iso(n.lastCommandAt) } : {}),
      ...(n.recentCommandsAt?.length ? { recentCommands: n.recentCommandsAt.map(iso) } : {}),
      ...(n.lastCommandOutcome !== undefined ? { lastCommandOutcome: n.lastCommandOutcome } : {}),
      ...(n.lastOutcome !== undefined ? { lastOutcome: n.lastOutcome } : {}),
      ...(n.lastOutcomeAt !== undefined ? { lastOutcomeAt: iso(n.lastOutcomeAt) } : {}),
    })),
  };
}
