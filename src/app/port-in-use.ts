/**
 * @module app/port-in-use
 * Turns "listen EADDRINUSE" into an error that names the port and the flag or configuration key that changes it
 * (docs/errors.md, WBGUARD_ERR_PORT_IN_USE). The listeners themselves (adapters, simulator) stay unaware of
 * configuration names: each caller says which setting chose the port.
 */
import { WbguardError } from '../errors.js';

interface ListenError {
  readonly code?: string;
  readonly port?: number;
  readonly address?: string;
}

/** The port of a "listen EADDRINUSE" error, or undefined for any other error. */
export function portInUseOf(err: unknown): number | undefined {
  const e = err as ListenError | undefined;
  return e?.code === 'EADDRINUSE' && typeof e.port === 'number' ? e.port : undefined;
}

/**
 * `err` itself when it is not a port in use; else an error naming the address, the port and `setting` (e.g.
 * "http.listen in the configuration", "--control-port").
 */
export function explainPortInUse(err: unknown, setting: string): unknown {
  const port = portInUseOf(err);
  if (port === undefined) {
    return err;
  }
  const address = (err as ListenError).address;
  const where = address ? `${address.includes(':') ? `[${address}]` : address}:${port}` : String(port);
  return new WbguardError('WBGUARD_ERR_PORT_IN_USE', `port ${port} is already in use [${where}]`, {
    cause: err,
    hint: `stop the program listening there (another wbguard?), or choose another port with ${setting}`,
  });
}
