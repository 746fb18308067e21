/**
 * @module app/demo/console
 * What `wbguard demo` prints while it runs, on the simulator's clock (the guard's clock in the demo): every few
 * seconds each Web Bridge's sessions, and each restart on its own line as it starts and as it ends, in the order
 * they happened (restarts are one at a time; a status line every few seconds could show two as if simultaneous).
 */
import type { SimulatorHandle } from '../../sim/run.js';

/** `sim 2026-12-06 04:12:35Z`: the simulated instant, labelled as such. */
export function simTime(at: number | string): string {
  return `sim ${new Date(at).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

const EVENT_TEXT: Readonly<Record<string, string>> = {
  'restart:started': 'Web Bridge restart started',
  'restart:completed': 'Web Bridge back up',
  'restart:failed': 'Web Bridge restart failed',
};

export interface DemoConsole {
  stop(): void;
}

export function startDemoConsole(
  sim: Pick<SimulatorHandle, 'cluster' | 'state'>,
  print: (line: string) => void,
  options: { statusEveryMs?: number; eventsEveryMs?: number } = {},
): DemoConsole {
  const history = sim.cluster.history;
  // The last entry printed (the history drops its oldest entries beyond its cap, so indexes move).
  let seen = history[history.length - 1];
  const printEvents = () => {
    const from = seen === undefined ? 0 : history.lastIndexOf(seen) + 1;
    const fresh = history.slice(from);
    seen = history[history.length - 1] ?? seen;
    for (const e of fresh) {
      const text = EVENT_TEXT[e.event];
      if (text) {
        print(`${simTime(e.at)}  ${e.node}: ${text} (${e.detail})`);
      }
    }
  };
  const printStatus = () => {
    printEvents();
    const s = sim.state();
    const line = s.webbridges
      .map(
        (w) =>
          `${w.name} ${String(w.active).padStart(3)} (leaked ${String(w.leaked).padStart(3)}, restarts ${w.restarts}${w.available ? '' : ', restarting'})`,
      )
      .join('  |  ');
    print(`${simTime(sim.cluster.now)}  ${line}`);
  };
  const events = setInterval(printEvents, options.eventsEveryMs ?? 250);
  const status = setInterval(printStatus, options.statusEveryMs ?? 5000);
  return {
    stop() {
      clearInterval(events);
      clearInterval(status);
      printEvents();
    },
  };
}
