/**
 * @module core/alerts/dedupe
 * Turns the conditions seen at each check into notices for one channel: a condition is announced once when it
 * appears (`firing`), again every `repeatAfterMs` while it lasts (`repeat`), and once when it is gone
 * (`recovered`). One-shot events (a restart done or failed) are passed once. Pure and serialisable, so a restart of
 * wbguard does not announce again what it had already announced.
 */
import type { AlertCondition, AlertEvent } from './conditions.js';

export type NoticeKind = 'firing' | 'repeat' | 'recovered' | 'event';

export interface AlertNotice {
  readonly kind: NoticeKind;
  readonly condition: AlertCondition;
  /** When this notice was made (epoch ms). */
  readonly at: number;
  /** When the condition first appeared (epoch ms); `at` for one-shot events. */
  readonly since: number;
}

export interface DeduperOptions {
  readonly repeatAfterMs: number;
  /** Events this channel takes; undefined: all. */
  readonly events?: readonly AlertEvent[] | undefined;
}

interface Open {
  condition: AlertCondition;
  since: number;
  lastSent: number;
}

export interface DeduperState {
  readonly open: ReadonlyArray<{
    readonly condition: AlertCondition;
    readonly since: number;
    readonly lastSent: number;
  }>;
}

export class AlertDeduper {
  readonly #open = new Map<string, Open>();
  readonly #options: DeduperOptions;

  constructor(options: DeduperOptions) {
    this.#options = options;
  }

  #wants(event: AlertEvent): boolean {
    return this.#options.events === undefined || this.#options.events.includes(event);
  }

  /** The conditions active now (all of them: this filters by the channel's events). */
  update(now: number, active: readonly AlertCondition[]): AlertNotice[] {
    const notices: AlertNotice[] = [];
    const seen = new Set<string>();
    for (const c of active) {
      if (!this.#wants(c.event) || seen.has(c.key)) {
        continue;
      }
      seen.add(c.key);
      const open = this.#open.get(c.key);
      if (!open) {
        this.#open.set(c.key, { condition: c, since: now, lastSent: now });
        notices.push({ kind: 'firing', condition: c, at: now, since: now });
        continue;
      }
      open.condition = c;
      // A clock stepped backwards must not silence a condition for good: a lastSent in the future is reset.
      if (now - open.lastSent >= this.#options.repeatAfterMs || now < open.lastSent) {
        open.lastSent = now;
        notices.push({ kind: 'repeat', condition: c, at: now, since: open.since });
      }
    }
    for (const [key, open] of this.#open) {
      if (!seen.has(key)) {
        this.#open.delete(key);
        notices.push({ kind: 'recovered', condition: open.condition, at: now, since: open.since });
      }
    }
    return notices;
  }

  /** A one-shot event (restart done, failed): announced once, never repeated, no recovery. */
  event(now: number, c: AlertCondition): AlertNotice[] {
    return this.#wants(c.event) ? [{ kind: 'event', condition: c, at: now, since: now }] : [];
  }

  /** Keys of the conditions open now. */
  openKeys(): string[] {
    return [...this.#open.keys()];
  }

  snapshot(): DeduperState {
    return { open: [...this.#open.values()].map((o) => ({ ...o })) };
  }

  restore(state: DeduperState): void {
    this.#open.clear();
    for (const o of state.open) {
      this.#open.set(o.condition.key, { condition: o.condition, since: o.since, lastSent: o.lastSent });
    }
  }
}
