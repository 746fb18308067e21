/**
 * @module app/alerts/alerter
 * Runs the alerts of `wbguard run`: at each check the conditions (core/alerts) go through each channel's
 * de-duplicator, and the notices are delivered in the background, in order per channel, with a few retries, so
 * a slow or dead receiver never holds up the guard nor the other channels. What was announced is kept in
 * `alerts.json` in the state folder, so restarting wbguard does not announce it again.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertChannel } from '../../adapters/alerts/channel.js';
import { type AlertCondition, AlertDeduper, type AlertNotice, type DeduperState } from '../../core/alerts/index.js';
import type { Logger } from '../../ports/logger.js';

export interface ChannelSpec {
  readonly channel: AlertChannel;
  readonly repeatAfterMs: number;
  readonly events?: readonly AlertCondition['event'][] | undefined;
}

export interface AlerterOptions {
  readonly stateDir: string;
  readonly log?: Logger | undefined;
  /** Delays before the retries of a failed delivery. @default [1000, 5000] */
  readonly retryDelaysMs?: readonly number[];
  /** Called after each delivery attempt has finally succeeded or failed (metrics). */
  readonly onDelivery?: (channel: string, notice: AlertNotice, ok: boolean) => void;
}

interface Lane {
  readonly spec: ChannelSpec;
  readonly deduper: AlertDeduper;
  queue: Promise<void>;
}

export class Alerter {
  readonly #lanes: Lane[];
  readonly #path: string;
  readonly #options: AlerterOptions;
  /** Every condition open at the last check, whatever the channels: the dashboard shows them. */
  #open: AlertCondition[] = [];

  constructor(specs: readonly ChannelSpec[], options: AlerterOptions) {
    this.#options = options;
    this.#path = join(options.stateDir, 'alerts.json');
    const saved = this.#load();
    this.#lanes = specs.map((spec) => {
      const deduper = new AlertDeduper({ repeatAfterMs: spec.repeatAfterMs, events: spec.events });
      const state = saved[spec.channel.name];
      if (state) {
        deduper.restore(state);
      }
      return { spec, deduper, queue: Promise.resolve() };
    });
  }

  #load(): Record<string, DeduperState> {
    if (!existsSync(this.#path)) {
      return {};
    }
    try {
      return JSON.parse(readFileSync(this.#path, 'utf8')) as Record<string, DeduperState>;
    } catch (err) {
      // A torn file costs one repeated announcement, never the daemon.
      this.#options.log?.warn(
        { path: this.#path, err: (err as Error).message },
        'alert state unreadable, starting afresh',
      );
      return {};
    }
  }

  #save(): void {
    const state = Object.fromEntries(this.#lanes.map((l) => [l.spec.channel.name, l.deduper.snapshot()]));
    const tmp = `${this.#path}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
      renameSync(tmp, this.#path);
    } catch (err) {
      this.#options.log?.warn({ err: (err as Error).message }, 'alert state not saved');
    }
  }

  /** Conditions open at the last check. */
  open(): readonly AlertCondition[] {
    return this.#open;
  }

  /** One check: the conditions active now. Returns the notices queued (for tests and logs). */
  check(now: number, active: readonly AlertCondition[]): AlertNotice[] {
    this.#open = [...active];
    const all: AlertNotice[] = [];
    for (const lane of this.#lanes) {
      const notices = lane.deduper.update(now, active);
      this.#enqueue(lane, notices);
      all.push(...notices);
    }
    if (this.#lanes.length > 0) {
      this.#save();
    }
    return all;
  }

  /** A one-shot event (restart done or failed). */
  event(now: number, condition: AlertCondition): AlertNotice[] {
    const all: AlertNotice[] = [];
    for (const lane of this.#lanes) {
      const notices = lane.deduper.event(now, condition);
      this.#enqueue(lane, notices);
      all.push(...notices);
    }
    return all;
  }

  #enqueue(lane: Lane, notices: readonly AlertNotice[]): void {
    if (notices.length === 0) {
      return;
    }
    lane.queue = lane.queue.then(() => this.#deliver(lane.spec.channel, notices));
  }

  async #deliver(channel: AlertChannel, notices: readonly AlertNotice[]): Promise<void> {
    const delays = this.#options.retryDelaysMs ?? [1000, 5000];
    for (let attempt = 0; ; attempt++) {
      try {
        await channel.send(notices);
        for (const n of notices) {
          this.#options.onDelivery?.(channel.name, n, true);
        }
        this.#options.log?.info(
          { channel: channel.name, notices: notices.map((n) => `${n.kind} ${n.condition.key}`) },
          'alert sent',
        );
        return;
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined) {
          for (const n of notices) {
            this.#options.onDelivery?.(channel.name, n, false);
          }
          // The error names the channel and the failure, never its URL or password (adapters/alerts/channel.ts).
          this.#options.log?.error({ channel: channel.name, err: (err as Error).message }, 'alert not delivered');
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Waits for queued deliveries (at most `timeoutMs`), then closes the channels. */
  async close(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.#lanes.map((l) => l.queue)),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await Promise.all(this.#lanes.map((l) => l.spec.channel.close()));
  }

  /** Resolves when everything queued so far was delivered or given up (tests). */
  async idle(): Promise<void> {
    await Promise.all(this.#lanes.map((l) => l.queue));
  }
}
