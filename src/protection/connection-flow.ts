// Per-connection flow control: one request at a time per connection, and no reading while answers queue up.
//
// Node's HTTP server parses a whole chunk of pipelined requests and emits 'request' for every one of them
// before it looks at back-pressure (lib/_http_server.js parserOnIncoming pauses only once answers are
// already buffered), so a client that pipelines thousands of requests and never reads made the facade
// work on all of them at once and buffer every answer. The gate therefore sits in the request listener.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A Node request listener. */
export type RequestListener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown;

/** Options of {@link flowControlled}. */
export interface FlowControlOptions {
  /** Requests that may wait on one connection before the facade stops reading it. Default 8. */
  maxQueuedPerConnection?: number;
}

/** The wrapped listener and how many requests wait, over all connections. */
export interface FlowControl {
  listener: RequestListener;
  /** Requests received but not started yet (graceful shutdown waits for them too). */
  readonly queued: number;
}

/** What Node's HTTP server keeps on a socket it serves; private fields, see lib/_http_server.js. */
interface ServedSocket extends Socket {
  _paused?: boolean;
  parser?: { pause(): void; resume(): void } | null;
}

/** The state of one connection. */
interface Connection {
  socket: ServedSocket;
  waiting: Array<[IncomingMessage, ServerResponse]>;
  busy: boolean;
}

/**
 * Wraps `listener` so that each connection runs one request at a time (HTTP/1.1 answers go out in order
 * anyway): the next one starts when the previous answer is finished and the socket does not need draining.
 * Reading the socket stops while more than `maxQueuedPerConnection` requests wait or the client is not
 * reading its answers, and starts again when both clear. Requests still waiting when their connection
 * closes are dropped without any work.
 */
export function flowControlled(listener: RequestListener, { maxQueuedPerConnection = 8 }: FlowControlOptions = {}): FlowControl {
  const connections = new WeakMap<Socket, Connection>();
  let queued = 0;

  // Node's own pipelining guard uses `_paused` and the parser's pause; setting the same flag keeps a body
  // read (IncomingMessage readStart) or Node's socketOnDrain from resuming the socket behind our back.
  const updateReading = (connection: Connection) => {
    const { socket } = connection;
    const shouldPause = connection.waiting.length > maxQueuedPerConnection || socket.writableNeedDrain;
    if (shouldPause && !socket._paused) {
      socket._paused = true;
      socket.pause();
    } else if (!shouldPause && socket._paused && !socket.destroyed) {
      socket._paused = false;
      socket.parser?.resume();
      socket.resume();
    }
  };

  const dropWaiting = (connection: Connection) => {
    queued -= connection.waiting.length;
    connection.waiting.length = 0;
  };

  const startNext = (connection: Connection) => {
    // A connection that can no longer carry an answer (the client left; Node ends the socket on the client's
    // FIN) has nothing worth starting.
    if (!connection.socket.writable) dropWaiting(connection);
    while (!connection.busy && !connection.socket.writableNeedDrain) {
      const next = connection.waiting.shift();
      if (next === undefined) break;
      queued--;
      const [incoming, outgoing] = next;
      if (outgoing.destroyed) continue;
      connection.busy = true;
      // A passed-through answer already has ten 'close' listeners (the log, aborts, Hono, pipeline()); this
      // one is expected, not a leak.
      outgoing.setMaxListeners(outgoing.getMaxListeners() + 1);
      outgoing.once('close', () => {
        connection.busy = false;
        // Nothing waiting (a client that waits for each answer): the next request starts when it arrives.
        if (connection.waiting.length === 0) return updateReading(connection);
        // An answer can finish within the same tick it started (a cached body); going through the event loop
        // between two requests lets other connections in, where a chain of ticks would starve them.
        setImmediate(() => startNext(connection));
      });
      // The listener answers its own errors; one that escapes means the connection is beyond saving.
      const run = async () => listener(incoming, outgoing);
      run().catch(() => outgoing.destroy());
    }
    updateReading(connection);
  };

  const connectionOf = (socket: ServedSocket): Connection => {
    const known = connections.get(socket);
    if (known) return known;
    const connection: Connection = { socket, waiting: [], busy: false };
    connections.set(socket, connection);
    // Registered after Node's own 'drain' handler, so this decision is the last word.
    socket.on('drain', () => startNext(connection));
    socket.once('close', () => dropWaiting(connection));
    return connection;
  };

  return {
    listener: (incoming, outgoing) => {
      const connection = connectionOf(incoming.socket as ServedSocket);
      connection.waiting.push([incoming, outgoing]);
      queued++;
      startNext(connection);
    },
    get queued() {
      return queued;
    },
  };
}
