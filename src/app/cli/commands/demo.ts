/**
 * @module app/cli/commands/demo
 * `wbguard demo`: a simulated CMS cluster and the guard wired to it, on this machine, in one command.
 */
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerDemo: RegisterVerb = (program, io) => {
  program
    .command('demo')
    .description('run the simulator and the guard together: watch a Web Bridge leak, then get restarted when idle')
    .option('--port <port>', 'HTTP port of the dashboard/API (0 = any free port)', '8080')
    .option('--speed <x>', 'simulated seconds per real second', '60')
    .addHelpText(
      'after',
      '\nExample:\n  wbguard demo            # then open the printed URL, or: wbguard status --url <URL>\n\nCtrl-C stops everything.',
    )
    .action(async (opts) => {
      const { startDemo } = await import('../../demo/demo.js');
      const port = Number(opts.port);
      let demo: Awaited<ReturnType<typeof startDemo>>;
      try {
        demo = await startDemo({ httpPort: port, speed: Number(opts.speed) });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if ((code !== 'WBGUARD_ERR_PORT_IN_USE' && code !== 'EADDRINUSE') || port === 0) {
          throw err;
        }
        // The default port is taken (another demo, a daemon): any free port will do for a demo.
        await write(io.stderr, `wbguard demo: port ${port} is in use, taking a free one\n`);
        demo = await startDemo({ httpPort: 0, speed: Number(opts.speed) });
      }
      await write(
        io.stdout,
        [
          `wbguard demo: a simulated 3-node CMS cluster leaking Web Bridge sessions, guarded in enforce mode`,
          `  dashboard:       ${demo.url}/`,
          `  restart token:   in ${demo.tokenPath} (the dashboard's Restart button asks for it)`,
          `  API and metrics: ${demo.url}/api/v1/state   ${demo.url}/metrics`,
          `  simulator state: ${demo.sim.control.url}/sim/state`,
          '  within about two minutes a Web Bridge leaks, then is restarted by policy once the cluster is idle.',
          `  times are the simulator's (${opts.speed}× real time, UTC), here and on the dashboard.`,
          'Ctrl-C stops everything.',
          '',
        ].join('\n'),
      );
      const { startDemoConsole } = await import('../../demo/console.js');
      const printer = startDemoConsole(demo.sim, (line) => void write(io.stdout, `${line}\n`));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      printer.stop();
      await demo.close();
      await write(io.stderr, 'wbguard demo: stopped\n');
    });
};
