// A TCP relay to a server that can be made to stop answering without closing anything, as a database host that hangs
// or a network path that drops every packet: connections stay open, bytes no longer pass either way.
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { freshDatabase } from './postgres.ts';

/** A running relay. */
export interface FreezingProxy {
  port: number;
  /** Stops passing bytes and FINs, both ways, on every connection, current and new (new ones are still accepted). */
  freeze(): void;
  /** Passes bytes again; what was sent while frozen is lost, as on a broken path. */
  thaw(): void;
  close(): Promise<void>;
}

/** Relays 127.0.0.1:<port> to `targetPort` on loopback. */
export async function startFreezingProxy(targetPort: number): Promise<FreezingProxy> {
  let frozen = false;
  const sockets = new Set<Socket>();
  // Half-open allowed: a frozen path does not pass a FIN on either, as a host that hangs never answers one.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const target = connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true });
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => void (frozen || target.write(chunk)));
    target.on('data', (chunk: Buffer) => void (frozen || client.write(chunk)));
    client.on('end', () => void (frozen || target.end()));
    target.on('end', () => void (frozen || client.end()));
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze: () => void (frozen = true),
    thaw: () => void (frozen = false),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fresh database of the run's PostgreSQL reached through a relay that can freeze:
 * `url` goes through the relay; `drop` closes the relay and drops the database.
 */
export async function databaseBehindRelay(): Promise<{ url: string; relay: FreezingProxy; drop(): Promise<void> }> {
  const database = await freshDatabase();
  const url = new URL(database.url);
  const relay = await startFreezingProxy(Number(url.port));
  url.port = String(relay.port);
  return {
    url: url.href,
    relay,
    drop: async () => {
      await relay.close();
      await database.drop();
    },
  };
}
