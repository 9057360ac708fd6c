// A tiny request/reply protocol over a forked child's IPC channel, used by the benchmark's children.
import type { ChildProcess } from 'node:child_process';

/** A command sent to a child: `op` names a handler, `args` is its JSON argument. */
interface IpcCall { id: number; op: string; args?: unknown }
/** A child's answer to one call, or its one-off `ready` notice (id 0). */
interface IpcReply { id: number; result?: unknown; error?: string }

/** Handlers a child serves; each takes the call's argument and returns a JSON-able result. */
export type IpcHandlers = Record<string, (args: unknown) => unknown>;

function isCall(message: unknown): message is IpcCall {
  return typeof message === 'object' && message !== null && typeof (message as IpcCall).id === 'number'
    && typeof (message as IpcCall).op === 'string';
}

/**
 * Child side: answers calls with `handlers`, announces `ready` with its result, and exits when the parent
 * goes away, so a crashed runner never leaves a child listening.
 */
export function serveParent(ready: unknown, handlers: IpcHandlers): void {
  const send = (reply: IpcReply): void => { process.send?.(reply); };
  process.on('message', (message: unknown) => {
    if (!isCall(message)) return;
    const handler = handlers[message.op];
    if (handler === undefined) { send({ id: message.id, error: `unknown op ${message.op}` }); return; }
    Promise.resolve()
      .then(() => handler(message.args))
      .then((result) => send({ id: message.id, result }), (error: unknown) => send({ id: message.id, error: String(error) }));
  });
  process.on('disconnect', () => process.exit(0));
  send({ id: 0, result: ready });
}

/** Parent side of one child: `call` sends a command and resolves with the child's answer. */
export interface ChildChannel {
  ready: Promise<unknown>;
  call(op: string, args?: unknown, timeoutMs?: number): Promise<unknown>;
}

/** Wraps a forked child; rejects pending calls when the child exits. Default call timeout 30 s. */
export function channelTo(child: ChildProcess): ChildChannel {
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const ready = new Promise<unknown>((resolve, reject) => {
    pending.set(0, { resolve, reject });
  });
  child.on('message', (message: IpcReply) => {
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`child exited (${code ?? signal})`));
    pending.clear();
  });
  return {
    ready,
    call(op, args, timeoutMs = 30_000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`child did not answer ${op} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => { clearTimeout(timer); resolve(value); },
          reject: (error) => { clearTimeout(timer); reject(error); },
        });
        child.send({ id, op, args } satisfies IpcCall);
      });
    },
  };
}
