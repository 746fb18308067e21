/**
 * @module sim/types
 * The contract between the simulator's cluster model (sim/model/) and the protocol servers that expose it
 * (sim/mmp/ over SSH, sim/api/ over HTTPS, sim/syslog/, sim/control/). The servers never reach into the model's
 * internals: they call this interface, so each side can be built and tested on its own.
 *
 * The simulator shares no parsing code with src/: it writes CMS text from its own templates.
 */

/** Faults an operator (or a test) can set per node through the control API (`POST /sim/faults`). */
export interface NodeFaults {
  /** Every SSH authentication attempt fails. */
  refuseAuth?: boolean;
  /** `exec` and shell commands never answer (the channel stays open). */
  hangOnExec?: boolean;
  /** The SSH connection is dropped in the middle of a command, before any exit status. */
  dropMidCommand?: boolean;
  /** The Web Bridge takes this long (simulated ms, before speed scaling) to come back after `webbridge restart`. */
  slowRestartMs?: number;
  /** `webbridge restart` appears to work, but the leaked sessions stay. */
  restartKeepsLeak?: boolean;
  /** The MMP demands a password change on login and runs nothing (CMS passwords expire after 6 months). */
  passwordExpired?: boolean;
  /** The node's SSH port is closed (connections refused). */
  portClosed?: boolean;
  /** The node sends no syslog at all (a forgotten `syslog server add`, a firewall): the others still do. */
  syslogSilent?: boolean;
}

/** What `webbridge restart` prints, since the real output is unconfirmed (docs/cms-facts.md §4.2, unconfirmed #7). */
export type RestartOutputMode = 'none' | 'success' | 'failure';

export interface SimWebBridgeState {
  readonly name: string;
  readonly sshPort: number;
  /** Sessions the Web Bridge counts as active (real + leaked). */
  readonly active: number;
  readonly leaked: number;
  readonly real: number;
  /** Number of completed `webbridge restart`s. */
  readonly restarts: number;
  /** False while restarting (no Stats, joins refused). */
  readonly available: boolean;
}

export interface SimCallBridgeState {
  readonly name: string;
  /** Current CMA sessions (calls of real WebRTC guests landed on this Call Bridge). */
  readonly cma: number;
}

/** Body of `GET /sim/state` (issue 3 contract; add fields, never rename). */
export interface SimState {
  readonly webbridges: readonly SimWebBridgeState[];
  readonly callbridges: readonly SimCallBridgeState[];
}

/** One call leg as the CMS API shows it (docs/cms-facts.md §5.3). */
export interface SimCallLeg {
  readonly id: string;
  readonly name: string;
  readonly remoteParty: string;
  /** Id of the call (a meeting instance) this leg belongs to. */
  readonly callId: string;
  /** `acano` = CMA / WebRTC client, `sip` = SIP endpoint. */
  readonly type: 'acano' | 'sip';
  /** `distributionLink` for the extra legs a cluster adds between Call Bridges. */
  readonly subType: 'distributionLink' | undefined;
  readonly guestConnection: boolean;
  readonly durationSeconds: number;
}

export interface SimCall {
  readonly id: string;
  readonly name: string;
  readonly numCallLegs: number;
}

/** One simulated CMS server. A node has a Web Bridge 2, a Call Bridge, or both. */
export interface SimNode {
  readonly name: string;
  readonly hasWebBridge: boolean;
  readonly hasCallBridge: boolean;
  /** CMS version string as `version` and `/system/status` print it, e.g. `2.8.3`. */
  readonly softwareVersion: string;
  /** True on 2.9 nodes configured with Web Bridge 3 (`webbridge3` commands; WB3 does not leak). */
  readonly hasWebBridge3: boolean;
  readonly faults: Readonly<NodeFaults>;
  /** Simulated uptime in seconds. */
  uptimeSeconds(): number;
  /**
   * Status lines as the MMP `webbridge` command prints them (one string per line). The real layout is not
   * documented (docs/cms-facts.md §4.2); the simulator prints the configuration lines of a Web Bridge 2 and adds a
   * `Status` line (`running` / `restarting`), which is its own invention: a real MMP may not print it.
   */
  webBridgeStatusLines(): string[];
  /** Status lines for bare `webbridge3`, or undefined when this node has no Web Bridge 3. */
  webBridge3StatusLines(): string[] | undefined;
  /**
   * Runs `webbridge restart`: drops every session on this Web Bridge (their calls end on the Call Bridges),
   * makes it unavailable for the restart time, then it comes back at 0 with c/d reset.
   * Resolves with the lines to print (per the output mode) once the command returns, which is before the
   * Web Bridge is available again, as on a real MMP.
   */
  restartWebBridge(): Promise<{ output: string[]; exitCode: number }>;
  /** `webbridge3 restart` on nodes that have it. */
  restartWebBridge3(): Promise<{ output: string[]; exitCode: number }>;
  /** Call legs hosted on this Call Bridge (including distributionLink legs). */
  callLegs(): readonly SimCallLeg[];
  /** Calls hosted on this Call Bridge. */
  calls(): readonly SimCall[];
  /** Call Bridge totals for `/api/v1/system/status`. */
  callBridgeStatus(): { callLegsActive: number; callLegsMaxActive: number; callLegsCompleted: number };
  /** Writes an MMP audit line to syslog (`cli:` tag, local0.info) for a command a user issued. */
  auditCommand(user: string, remoteAddress: string, command: string): void;
}

/** The whole simulated cluster, as the protocol servers see it. */
export interface SimCluster {
  readonly nodes: readonly SimNode[];
  node(name: string): SimNode | undefined;
  state(): SimState;
  /** Changes the guests' join rate (joins per simulated hour). */
  setJoinRate(perHour: number): void;
  /** Merges faults into a node's fault set; a key set to false/0 clears that fault. */
  setFaults(name: string, faults: NodeFaults): void;
  /** Calls `listener` with the node's name whenever its faults change (the MMP server opens/closes ports). */
  onFaultsChange(listener: (name: string) => void): () => void;
}
