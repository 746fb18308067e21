/**
 * @module sim/model/cluster
 * The simulated CMS 2.x cluster: guests join through Web Bridges, their calls land on any Call Bridge
 * (load-balanced, as CMS does by default for CMA), each Web Bridge leaks a fraction of ended sessions until it
 * reaches its limit and refuses joins, and `webbridge restart` clears it. Time only moves through `advance(ms)`, so a
 * test can step it by hand and the live simulator drives it from a timer at any speed. Everything it would log goes
 * to `onLine` as CMS syslog text written from sim/syslog/templates.
 */
import { EventEmitter } from 'node:events';
import { exponential, poisson, type Random, seededRandom } from '../random.js';
import {
  callBridgeStatsLine,
  chatterLine,
  joinRefusedLine,
  webBridgeEventLine,
  webBridgeStatsLine,
} from '../syslog/templates.js';
import type { NodeFaults, SimCluster, SimState } from '../types.js';
import { type Guest, SimNodeModel } from './node.js';
import type { SimModelOptions } from './options.js';

const STEP_MS = 1000;
const DAY_MS = 86_400_000;

/** One entry of the call history tests assert order on. */
export interface SimHistoryEntry {
  readonly at: string;
  readonly node: string;
  readonly event: 'command' | 'restart:started' | 'restart:completed' | 'restart:failed' | 'faults';
  readonly detail: string;
}

export type LineListener = (node: string, line: string) => void;

function workdayShare(t: number): number {
  const day = new Date(t).getUTCDay();
  const hour = (t % DAY_MS) / 3_600_000;
  const weekday = day >= 1 && day <= 5 ? 1 : 0.15;
  return hour < 7 || hour >= 19 ? 0 : weekday * Math.sin(((hour - 7) / 12) * Math.PI) * 2;
}

export class SimClusterModel implements SimCluster {
  readonly options: SimModelOptions;
  readonly nodes: SimNodeModel[];
  readonly history: SimHistoryEntry[] = [];
  readonly rand: Random;
  #now: number;
  #joinRatePerHour: number;
  #statsIntervalMs: number;
  readonly #guests = new Map<number, Guest>();
  #nextGuest = 1;
  #chatter = 0;
  #lineListeners: LineListener[] = [];
  readonly #events = new EventEmitter();

  constructor(options: SimModelOptions) {
    this.options = options;
    this.rand = seededRandom(options.seed);
    this.#now = options.start;
    this.#joinRatePerHour = options.joinRatePerHour;
    this.#statsIntervalMs = options.statsIntervalMs;
    const nodes: SimNodeModel[] = [];
    let i = 1;
    const add = (wb: boolean, cb: boolean) => {
      const name = `cms${i++}`;
      const wb3 = options.webbridge3Nodes.includes(name);
      nodes.push(
        new SimNodeModel(this, name, {
          hasWebBridge: wb,
          hasCallBridge: cb,
          hasWebBridge3: wb3,
          softwareVersion: wb3 ? '2.9.2' : options.softwareVersion,
        }),
      );
    };
    for (let k = 0; k < options.nodes; k++) {
      add(true, true);
    }
    for (let k = 0; k < options.webbridgeOnly; k++) {
      add(true, false);
    }
    for (let k = 0; k < options.callbridgeOnly; k++) {
      add(false, true);
    }
    this.nodes = nodes;
    // Stagger the Call Bridges' 5-minute STATS, as independent servers would be.
    this.callbridges().forEach((cb, k, all) => {
      cb.nextCbStatsAt = this.#now + Math.floor(((k + 1) * options.callbridgeStatsIntervalMs) / (all.length + 1));
    });
    for (const wb of this.webbridges()) {
      wb.nextStatsAt = this.#now + Math.floor(this.rand() * options.statsIntervalMs);
    }
  }

  get now(): number {
    return this.#now;
  }

  get joinRatePerHour(): number {
    return this.#joinRatePerHour;
  }

  /** Receives every line the cluster logs. Returns an unsubscribe function. */
  onLine(listener: LineListener): () => void {
    this.#lineListeners.push(listener);
    return () => {
      this.#lineListeners = this.#lineListeners.filter((l) => l !== listener);
    };
  }

  log(node: string, line: string): void {
    if (this.node(node)?.faults.syslogSilent) {
      return;
    }
    for (const l of this.#lineListeners) {
      l(node, line);
    }
  }

  record(node: string, event: SimHistoryEntry['event'], detail: string): void {
    this.history.push({ at: new Date(this.#now).toISOString(), node, event, detail });
    if (this.history.length > 10_000) {
      this.history.shift();
    }
  }

  webbridges(): SimNodeModel[] {
    return this.nodes.filter((n) => n.hasWebBridge);
  }

  callbridges(): SimNodeModel[] {
    return this.nodes.filter((n) => n.hasCallBridge);
  }

  node(name: string): SimNodeModel | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  guestsOn(predicate: (g: Guest) => boolean): Guest[] {
    return [...this.#guests.values()].filter(predicate);
  }

  /** Ends a guest's session (its call leaves its Call Bridge); `leak` keeps it in its Web Bridge's count. */
  endGuest(g: Guest, leak: boolean): void {
    this.#guests.delete(g.id);
    const wb = this.node(g.webbridge) as SimNodeModel;
    wb.realSessions.delete(g.id);
    const cb = this.node(g.callbridge);
    if (cb) {
      cb.legsCompleted++;
    }
    if (leak) {
      wb.leaked++;
    } else {
      wb.disconnects++;
    }
  }

  state(): SimState {
    return {
      webbridges: this.webbridges().map((n) => ({
        name: n.name,
        sshPort: n.sshPort,
        active: n.active,
        leaked: n.leaked,
        real: n.realSessions.size,
        restarts: n.restarts,
        available: n.available,
      })),
      callbridges: this.callbridges().map((n) => ({ name: n.name, cma: n.cma() })),
    };
  }

  setJoinRate(perHour: number): void {
    this.#joinRatePerHour = Math.max(0, perHour);
  }

  /** From the next Stats line on, each Web Bridge logs one every `ms` of simulated time (tests in step with the wall clock). */
  setStatsInterval(ms: number): void {
    this.#statsIntervalMs = Math.max(1, ms);
  }

  setFaults(name: string, faults: NodeFaults): void {
    const node = this.node(name);
    if (!node) {
      throw new RangeError(`no such node [node:${name}]`);
    }
    node.mergeFaults(faults);
    this.record(name, 'faults', JSON.stringify(node.faults));
    this.#events.emit('faults', name);
  }

  onFaultsChange(listener: (name: string) => void): () => void {
    this.#events.on('faults', listener);
    return () => this.#events.off('faults', listener);
  }

  /** Moves simulated time forward by `ms`, in steps of at most a second. */
  advance(ms: number): void {
    const end = this.#now + Math.max(0, ms);
    while (this.#now < end) {
      const dt = Math.min(STEP_MS, end - this.#now);
      this.#now += dt;
      this.#step(dt);
    }
  }

  #step(dt: number): void {
    const now = this.#now;
    for (const n of this.nodes) {
      n.completeRestartIfDue(now);
    }
    for (const g of [...this.#guests.values()]) {
      if (g.endsAt <= now) {
        this.endGuest(g, this.rand() < this.options.leakRate);
      }
    }
    const share = this.options.loadCurve === 'workday' ? workdayShare(now) : 1;
    const joins = poisson(this.rand, (this.#joinRatePerHour * share * dt) / 3_600_000);
    for (let k = 0; k < joins; k++) {
      this.#join(now);
    }
    for (const wb of this.webbridges()) {
      while (wb.nextStatsAt <= now) {
        const at = wb.nextStatsAt;
        wb.nextStatsAt += this.#statsIntervalMs;
        if (wb.available) {
          this.log(wb.name, webBridgeStatsLine(at, wb.name, wb.active, wb.connects, wb.disconnects));
          for (let c = 0; c < this.options.chatterPerStats; c++) {
            this.log(wb.name, chatterLine(at + 1 + c, wb.name, this.#chatter++));
          }
          wb.refusalLoggedThisInterval = false;
        }
      }
    }
    for (const cb of this.callbridges()) {
      cb.notePeak();
      while (cb.nextCbStatsAt <= now) {
        const at = cb.nextCbStatsAt;
        cb.nextCbStatsAt += this.options.callbridgeStatsIntervalMs;
        const legs = cb.callLegs().length;
        this.log(cb.name, callBridgeStatsLine(at, cb.name, cb.cma(), cb.takePeak(), legs));
      }
    }
  }

  #join(now: number): void {
    const available = this.webbridges().filter((w) => w.available);
    const wb = available.length === 0 ? undefined : available[Math.floor(this.rand() * available.length)];
    if (!wb) {
      return;
    }
    // A refused attempt still counts as a connection, so c − d ≠ active, as on a real Web Bridge.
    wb.connects++;
    if (wb.active >= this.options.limit) {
      if (!wb.refusedLogged()) {
        this.log(wb.name, joinRefusedLine(now, wb.name, this.options.limit));
      }
      return;
    }
    const cbs = this.callbridges();
    if (cbs.length === 0) {
      return;
    }
    const cb = cbs[Math.floor(this.rand() * cbs.length)] as SimNodeModel;
    const id = this.#nextGuest++;
    const g: Guest = {
      id,
      webbridge: wb.name,
      callbridge: cb.name,
      meeting: Math.floor(this.rand() * this.options.meetings),
      legId: this.uuid(),
      joinedAt: now,
      endsAt: now + Math.max(60_000, exponential(this.rand, this.options.meanStayMs)),
    };
    this.#guests.set(id, g);
    wb.realSessions.add(id);
    if (this.#chatter % 7 === 0) {
      this.log(wb.name, webBridgeEventLine(now, wb.name, `guest ${id} joined meeting ${g.meeting}`));
    }
  }

  /** A deterministic UUID-shaped id from the seeded generator. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.rand() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  /** The call id of a meeting on this cluster (stable per meeting). */
  callId(meeting: number): string {
    return `c${String(meeting).padStart(7, '0')}-0000-4000-a000-${String(this.options.seed).padStart(12, '0')}`;
  }

  guests(): Iterable<Guest> {
    return this.#guests.values();
  }
}
