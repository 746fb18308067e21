/**
 * @module test/prove/lib/model/world
 * The ground truth of the randomized policy model: a CMS cluster whose real sessions, leaked sessions and restarts
 * are known exactly at every minute, so an invariant can be checked against what really was on a Web Bridge, not
 * against what wbguard believed. Load follows a working day in the cluster's zone with random night guests, sessions
 * leak as they end (CSCvt73723), Web Bridges fill up to the 149 limit, and what reaches wbguard is only the CMS
 * syslog records (Web Bridge Stats every minute, Call Bridge STATS every 5 minutes), with outages.
 */
import type { CmsRecord } from '../../../../src/core/model.js';
import { poisson, type Random } from '../../../../src/sim/random.js';

export interface WorldOptions {
  readonly nodes: number;
  readonly start: number;
  /** Cluster joins per minute at the day's peak (business hours), and at night. */
  readonly peakJoinsPerMin: number;
  readonly nightJoinsPerMin: number;
  readonly meanStayMin: number;
  /** Probability that an ending session is leaked instead of freed. */
  readonly leakP: number;
  readonly limit: number;
  /** Hour offset of the cluster's working day from UTC. */
  readonly utcOffsetHours: number;
}

export interface NodeTruth {
  readonly name: string;
  real: number;
  /** Real sessions of this Web Bridge by the Call Bridge their call landed on (CMA is counted per Call Bridge). */
  readonly realByCallBridge: number[];
  leaked: number;
  connects: number;
  disconnects: number;
  /** While a restart is under way the Web Bridge serves nothing and logs nothing. @default 0 */
  downUntil: number;
  /** Restarting, from the command until it is back. */
  restarting: boolean;
  /** Syslog of this node is lost until then (a network or relay outage). */
  silentUntil: number;
}

/**
 * What wbguard last received from a node, with the truth behind it: for a Web Bridge's Stats line its real sessions
 * then; for a Call Bridge's STATS line the real sessions of each Web Bridge whose call was on that Call Bridge then.
 */
export interface Evidence {
  readonly at: number;
  readonly realByNode: ReadonlyMap<string, number>;
}

export class World {
  readonly nodes: NodeTruth[];
  now: number;
  readonly #o: WorldOptions;
  readonly #rand: Random;
  /** The truth behind each record sent: what the invariants compare wbguard's evidence with. */
  readonly truthOf = new WeakMap<CmsRecord, Evidence>();
  /** Real sessions dropped by restarts (they were in a meeting). */
  droppedReal = 0;
  refusedJoins = 0;
  /** Minutes a Web Bridge spent at the limit (summed over Web Bridges): guests locked out of it. */
  lockoutMinutes = 0;
  /** `webbridge restart` commands that reached a Web Bridge. */
  restarts = 0;

  constructor(o: WorldOptions, rand: Random) {
    this.#o = o;
    this.#rand = rand;
    this.now = o.start;
    this.nodes = Array.from({ length: o.nodes }, (_, i) => ({
      name: `cms${i + 1}`,
      real: 0,
      realByCallBridge: Array.from({ length: o.nodes }, () => 0),
      leaked: 0,
      connects: 0,
      disconnects: 0,
      downUntil: 0,
      restarting: false,
      silentUntil: 0,
    }));
  }

  node(name: string): NodeTruth {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) {
      throw new TypeError(`no such node [name:${name}]`);
    }
    return n;
  }

  active(n: NodeTruth): number {
    return Math.min(this.#o.limit, n.real + n.leaked);
  }

  up(n: NodeTruth): boolean {
    return this.now >= n.downUntil;
  }

  /** Joins per minute now: a working day (08–18 local) on weekdays, a little in the evening, a trickle at night. */
  #joinRate(): number {
    const local = new Date(this.now + this.#o.utcOffsetHours * 3_600_000);
    const h = local.getUTCHours();
    const weekday = local.getUTCDay() >= 1 && local.getUTCDay() <= 5;
    if (weekday && h >= 8 && h < 18) {
      return this.#o.peakJoinsPerMin;
    }
    if (h >= 6 && h < 22) {
      return this.#o.peakJoinsPerMin / 6;
    }
    return this.#o.nightJoinsPerMin;
  }

  /**
   * Moves true time to `to`; at each minute boundary passed the cluster lives one minute and its syslog records are
   * returned (in time order), as they would reach wbguard.
   */
  advanceTo(to: number): CmsRecord[] {
    const out: CmsRecord[] = [];
    for (let next = (Math.floor(this.now / 60_000) + 1) * 60_000; next <= to; next += 60_000) {
      this.now = next;
      this.#stepMinute();
      out.push(...this.#records());
    }
    this.now = Math.max(this.now, to);
    return out;
  }

  /** One minute of the cluster: sessions end (some leak), guests join an up Web Bridge below the limit. */
  #stepMinute(): void {
    for (const n of this.nodes) {
      if (n.restarting && this.up(n)) {
        n.restarting = false;
      }
      n.realByCallBridge.forEach((count, c) => {
        let ended = 0;
        for (let i = 0; i < count; i++) {
          if (this.#rand() < 1 / this.#o.meanStayMin) {
            ended++;
          }
        }
        n.realByCallBridge[c] = count - ended;
        n.real -= ended;
        for (let i = 0; i < ended; i++) {
          if (this.#rand() < this.#o.leakP) {
            n.leaked++;
          } else {
            n.disconnects++;
          }
        }
      });
    }
    const joins = poisson(this.#rand, this.#joinRate());
    for (let j = 0; j < joins; j++) {
      const up = this.nodes.filter((n) => this.up(n));
      const n = up[Math.floor(this.#rand() * up.length)];
      if (!n || this.active(n) >= this.#o.limit) {
        this.refusedJoins++;
        continue;
      }
      n.real++;
      n.connects++;
      // A web guest's call lands on any Call Bridge of the cluster.
      const c = Math.floor(this.#rand() * this.nodes.length);
      n.realByCallBridge[c] = (n.realByCallBridge[c] ?? 0) + 1;
    }
    for (const n of this.nodes) {
      if (this.up(n) && this.active(n) >= this.#o.limit) {
        this.lockoutMinutes++;
      }
    }
  }

  /** The CMS syslog records of this minute that reach wbguard (Stats every minute, STATS every 5 minutes). */
  #records(): CmsRecord[] {
    const out: CmsRecord[] = [];
    const real = new Map(this.nodes.map((n) => [n.name, n.real]));
    this.nodes.forEach((n, i) => {
      // Stamped when logged, just before it is delivered (a line is never stamped after it was sent).
      const at = this.now - 1000 - i * 137;
      if (this.up(n) && this.now >= n.silentUntil) {
        const r: CmsRecord = {
          kind: 'webbridge-stats',
          at,
          host: n.name,
          active: this.active(n),
          connects: n.connects,
          disconnects: n.disconnects,
        };
        out.push(r);
        this.truthOf.set(r, { at, realByNode: real });
      }
    });
    if ((this.now / 60_000) % 5 === 0) {
      const at = this.now - 500;
      this.nodes.forEach((cb, c) => {
        if (this.now < cb.silentUntil) {
          return;
        }
        const byWb = new Map(this.nodes.map((n) => [n.name, n.realByCallBridge[c] ?? 0]));
        const cma = [...byWb.values()].reduce((a, b) => a + b, 0);
        const r: CmsRecord = {
          kind: 'callbridge-stats',
          at,
          host: cb.name,
          cma,
          cmaPeak: cma,
          raw: { CMA: `${cma}/${cma}` },
        };
        out.push(r);
        this.truthOf.set(r, { at, realByNode: byWb });
      });
    }
    return out;
  }

  /** `webbridge restart` reaches the node: every session on it is dropped; the leak is cleared unless `keepLeak`. */
  restart(name: string, downMs: number, keepLeak: boolean): void {
    const n = this.node(name);
    this.restarts++;
    this.droppedReal += n.real;
    n.real = 0;
    n.realByCallBridge.fill(0);
    if (!keepLeak) {
      n.leaked = 0;
    }
    n.connects = 0;
    n.disconnects = 0;
    n.downUntil = this.now + downMs;
    n.restarting = true;
  }
}
