// Coalescing of identical concurrent GETs: one upstream request, aborted only when every waiter has left.
interface Shared<Answer> {
  answer: Promise<Answer>;
  controller: AbortController;
  waiters: number;
}

/** Identical GETs in flight, by key. */
export class SharedGets<Answer> {
  readonly #inFlight = new Map<string, Shared<Answer>>();

  /**
   * Joins the request for `key`, starting it with `start` if none is in flight. When `clientGone` fires,
   * this waiter leaves; the upstream request is aborted only when no waiter is left, so one client's
   * abort never fails the others.
   */
  join(key: string, start: (signal: AbortSignal) => Promise<Answer>, clientGone: AbortSignal): Promise<Answer> {
    let shared = this.#inFlight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const answer = start(controller.signal).finally(() => {
        if (this.#inFlight.get(key) === shared) this.#inFlight.delete(key);
      });
      shared = { answer, controller, waiters: 0 };
      this.#inFlight.set(key, shared);
    }
    const joined = shared;
    joined.waiters += 1;
    const leave = () => {
      joined.waiters -= 1;
      if (joined.waiters === 0) joined.controller.abort();
    };
    if (clientGone.aborted) leave();
    else clientGone.addEventListener('abort', leave, { once: true });
    return joined.answer.finally(() => clientGone.removeEventListener('abort', leave));
  }
}
