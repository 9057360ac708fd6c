// Picks a TCP port on 127.0.0.1: the one Synapse used last time if it is still free, else one the OS hands out.
import { createServer } from 'node:net';
import { BIND_HOST } from '../paths.ts';

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(undefined));
    server.listen(port, BIND_HOST, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolvePort(bound));
    });
  });
}

/** `preferredPort` when nothing listens on it, otherwise a fresh ephemeral port. */
export async function choosePort(preferredPort: number | undefined): Promise<number> {
  if (preferredPort !== undefined && (await listenOn(preferredPort)) === preferredPort) return preferredPort;
  const port = await listenOn(0);
  if (port === undefined) throw new Error(`no free TCP port on ${BIND_HOST}`);
  return port;
}
