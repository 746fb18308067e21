/**
 * Ports for real components on loopback.
 *
 * `freePort` asks the kernel for a port and gives it back at once: free at the time of asking (callers retry when
 * another process takes it first). `reservePort` keeps holding it until `release`, so that the sockets this process
 * opens on port 0 meanwhile (a simulator's SSH and API servers) cannot be given the same port; a port freed and then
 * handed to the simulator's SSH server made the doctor's TLS listener fail with EADDRINUSE.
 */
import { createServer, type Server } from 'node:net';

export interface PortReservation {
  port: number;
  /** Stops holding the port (idempotent); the caller binds it next. */
  release(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const reservation = await reservePort();
  await reservation.release();
  return reservation.port;
}

export function reservePort(): Promise<PortReservation> {
  return new Promise((resolve, reject) => {
    // Whoever connects meanwhile (a sender already pointed at the port) is cut off, as a closed port would refuse it.
    const server: Server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      let released: Promise<void> | undefined;
      const release = () => {
        released ??= new Promise<void>((done) => server.close(() => done()));
        return released;
      };
      resolve({ port, release });
    });
  });
}
