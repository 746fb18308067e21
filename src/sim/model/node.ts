/**
 * @module sim/model/node
 * One simulated CMS server: a Web Bridge 2 (active = real + leaked sessions, c/d counters, restarts), a Call Bridge
 * (CMA = guests whose call landed here, call legs for the API), or both.
 */
import { auditLine, webBridgeEventLine } from '../syslog/templates.js';
import type { NodeFaults, SimCall, SimCallLeg, SimNode } from '../types.js';
import type { SimClusterModel } from './cluster.js';

export interface Guest {
  readonly id: number;
  readonly webbridge: string;
  readonly callbridge: string;
  readonly meeting: number;
  readonly legId: string;
  readonly joinedAt: number;
  readonly endsAt: number;
}

/** Output of `webbridge restart` per mode. The real text is unconfirmed (docs/cms-facts.md §4.2, unconfirmed #7). */
export const RESTART_OUTPUT = {
  success: 'SUCCESS: Webbridge restarted',
  failure: 'FAILURE: Webbridge restart failed',
} as const;

export class SimNodeModel implements SimNode {
  readonly name: string;
  readonly hasWebBridge: boolean;
  readonly hasCallBridge: boolean;
  readonly hasWebBridge3: boolean;
  readonly softwareVersion: string;
  faults: NodeFaults = {};
  sshPort = 0;
  connects = 0;
  disconnects = 0;
  leaked = 0;
  readonly realSessions = new Set<number>();
  restarts = 0;
  available = true;
  #availableAt = 0;
  #restartKeepsLeak = false;
  nextStatsAt = 0;
  nextCbStatsAt = 0;
  refusalLoggedThisInterval = false;
  #peak = 0;
  #legsMax = 0;
  legsCompleted = 0;
  readonly #cluster: SimClusterModel;
  readonly #startedAt: number;

  constructor(
    cluster: SimClusterModel,
    name: string,
    roles: { hasWebBridge: boolean; hasCallBridge: boolean; hasWebBridge3: boolean; softwareVersion: string },
  ) {
    this.#cluster = cluster;
    this.name = name;
    this.hasWebBridge = roles.hasWebBridge;
    this.hasCallBridge = roles.hasCallBridge;
    this.hasWebBridge3 = roles.hasWebBridge3;
    this.softwareVersion = roles.softwareVersion;
    this.#startedAt = cluster.now;
  }

  get active(): number {
    return this.realSessions.size + this.leaked;
  }

  mergeFaults(f: NodeFaults): void {
    const merged: Record<string, unknown> = { ...this.faults };
    for (const [k, v] of Object.entries(f)) {
      if (v === false || v === 0 || v === undefined) {
        delete merged[k];
      } else {
        merged[k] = v;
      }
    }
    this.faults = merged as NodeFaults;
  }

  refusedLogged(): boolean {
    const already = this.refusalLoggedThisInterval;
    this.refusalLoggedThisInterval = true;
    return already;
  }

  cma(): number {
    let n = 0;
    for (const g of this.#cluster.guests()) {
      if (g.callbridge === this.name) {
        n++;
      }
    }
    return n;
  }

  notePeak(): void {
    this.#peak = Math.max(this.#peak, this.cma());
  }

  /** Peak CMA since the last STATS line, then starts a new interval. */
  takePeak(): number {
    const p = Math.max(this.#peak, this.cma());
    this.#peak = this.cma();
    return p;
  }

  uptimeSeconds(): number {
    return Math.floor((this.#cluster.now - this.#startedAt) / 1000);
  }

  webBridgeStatusLines(): string[] {
    if (!this.hasWebBridge) {
      return ['Web bridge not configured on this node'];
    }
    return [
      'Enabled                        : true',
      'Interface whitelist            : a:443',
      'Key file                       : webbridge.key',
      'Certificate file               : webbridge.cer',
      'Trust bundle                   : callbridge.cer',
      'HTTP redirect                  : Enabled',
      `Status                         : ${this.available ? 'running' : 'restarting'}`,
    ];
  }

  webBridge3StatusLines(): string[] | undefined {
    if (!this.hasWebBridge3) {
      return undefined;
    }
    return [
      'Enabled                               : true',
      'HTTPS listening ports and interfaces  : a:445',
      'HTTPS Key file                        : wb3.key',
      'HTTPS Full chain certificate file     : wb3-fullchain.cer',
      'HTTP redirect                         : Disabled',
      'C2W listening ports and interfaces    : a:6000',
      'C2W Trust bundle                      : core-fullchain.cer',
    ];
  }

  async restartWebBridge(): Promise<{ output: string[]; exitCode: number }> {
    if (!this.hasWebBridge) {
      return { output: ['FAILURE: Web bridge not configured'], exitCode: 1 };
    }
    const mode = this.#cluster.options.restartOutput;
    if (mode === 'failure') {
      this.#cluster.record(this.name, 'restart:failed', 'configured to fail');
      return { output: [RESTART_OUTPUT.failure], exitCode: 1 };
    }
    if (this.available) {
      // Every session on this Web Bridge is dropped: real ones' calls end on their Call Bridges.
      for (const g of this.#cluster.guestsOn((x) => x.webbridge === this.name)) {
        this.#cluster.endGuest(g, false);
      }
      this.#restartKeepsLeak = Boolean(this.faults.restartKeepsLeak);
      this.available = false;
      this.#availableAt = this.#cluster.now + (this.faults.slowRestartMs ?? this.#cluster.options.restartDurationMs);
      this.#cluster.record(this.name, 'restart:started', `leaked ${this.leaked}`);
      this.#cluster.log(this.name, webBridgeEventLine(this.#cluster.now, this.name, 'webbridge restarting'));
    }
    return { output: mode === 'success' ? [RESTART_OUTPUT.success] : [], exitCode: 0 };
  }

  async restartWebBridge3(): Promise<{ output: string[]; exitCode: number }> {
    if (!this.hasWebBridge3) {
      return { output: ['FAILURE: webbridge3 not configured'], exitCode: 1 };
    }
    this.#cluster.record(this.name, 'restart:completed', 'webbridge3');
    return { output: ['SUCCESS: webbridge3 restarted'], exitCode: 0 };
  }

  completeRestartIfDue(now: number): void {
    if (this.available || now < this.#availableAt) {
      return;
    }
    this.available = true;
    this.restarts++;
    this.connects = 0;
    this.disconnects = 0;
    if (!this.#restartKeepsLeak) {
      this.leaked = 0;
    }
    this.nextStatsAt = now;
    this.#cluster.record(this.name, 'restart:completed', `leaked ${this.leaked}`);
    this.#cluster.log(this.name, webBridgeEventLine(now, this.name, 'webbridge started'));
  }

  #guestsHere(): Array<{ meeting: number; legId: string; id: number; joinedAt: number }> {
    const out = [];
    for (const g of this.#cluster.guests()) {
      if (g.callbridge === this.name) {
        out.push(g);
      }
    }
    return out;
  }

  callLegs(): SimCallLeg[] {
    if (!this.hasCallBridge) {
      return [];
    }
    const now = this.#cluster.now;
    const here = this.#guestsHere();
    const legs: SimCallLeg[] = here.map((g) => ({
      id: g.legId,
      name: `Guest ${g.id}`,
      remoteParty: `guest${g.id}@webrtc`,
      callId: this.#cluster.callId(g.meeting),
      type: 'acano',
      subType: undefined,
      guestConnection: true,
      durationSeconds: Math.floor((now - g.joinedAt) / 1000),
    }));
    const meetingsHere = [...new Set(here.map((g) => g.meeting))].sort((a, b) => a - b);
    for (const m of meetingsHere) {
      for (let s = 0; s < this.#cluster.options.sipLegsPerCall; s++) {
        legs.push({
          id: `${this.#cluster.callId(m).slice(0, 24)}${this.name.padStart(6, '0')}${String(s).padStart(6, '0')}`,
          name: `Room ${m}.${s}`,
          remoteParty: `room${m}-${s}@example.com`,
          callId: this.#cluster.callId(m),
          type: 'sip',
          subType: undefined,
          guestConnection: false,
          durationSeconds: 0,
        });
      }
      // A call spread over several Call Bridges has one distribution link to each other bridge hosting it.
      for (const other of this.#cluster.callbridges()) {
        if (other !== this && [...this.#cluster.guests()].some((g) => g.callbridge === other.name && g.meeting === m)) {
          legs.push({
            id: `d${this.#cluster.callId(m).slice(1, 24)}${other.name.padStart(12, '0')}`,
            name: `${other.name}`,
            remoteParty: `${other.name}.cluster`,
            callId: this.#cluster.callId(m),
            type: 'sip',
            subType: 'distributionLink',
            guestConnection: false,
            durationSeconds: 0,
          });
        }
      }
    }
    this.#legsMax = Math.max(this.#legsMax, legs.length);
    return legs;
  }

  calls(): SimCall[] {
    const legs = this.callLegs();
    const byCall = new Map<string, number>();
    for (const l of legs) {
      byCall.set(l.callId, (byCall.get(l.callId) ?? 0) + 1);
    }
    return [...byCall.entries()].map(([id, n]) => ({
      id,
      name: `Meeting ${Number.parseInt(id.slice(1, 8), 10)}`,
      numCallLegs: n,
    }));
  }

  callBridgeStatus(): { callLegsActive: number; callLegsMaxActive: number; callLegsCompleted: number } {
    const active = this.callLegs().length;
    return { callLegsActive: active, callLegsMaxActive: this.#legsMax, callLegsCompleted: this.legsCompleted };
  }

  auditCommand(user: string, remoteAddress: string, command: string): void {
    this.#cluster.record(this.name, 'command', `${user}@${remoteAddress}: ${command}`);
    this.#cluster.log(this.name, auditLine(this.#cluster.now, this.name, user, command, remoteAddress));
  }
}
