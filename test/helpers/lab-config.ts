/** The smallest configuration a daemon starts with: one node `cms1` (its MMP unreachable), loopback listeners. */
import { join } from 'node:path';

export function oneNodeLab(dir: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cluster: 'lab',
    webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
    callbridges: [{ name: 'cms1' }],
    syslog: { tcp: '127.0.0.1:0' },
    http: { listen: '127.0.0.1:0' },
    state: join(dir, 'state'),
    ...over,
  };
}
