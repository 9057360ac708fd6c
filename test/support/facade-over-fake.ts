// Shared set-up for proxy tests: a facade on a loopback port in front of a programmable fake upstream.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ConfigInput } from '../../src/config.ts';
import { answerOk, startFakeUpstream, type FakeHandler, type FakeUpstream } from './fake-upstream.ts';
import { FAKE_UPSTREAM, started, startTestFacade, type TestFacade } from './facade.ts';

/** A facade in front of its own fake upstream, both started once per test file (or describe block). */
export interface FacadeOverFake {
  facade(): TestFacade;
  upstream(): FakeUpstream;
}

/**
 * Starts the pair for the enclosing file or describe block: the facade with {@link FAKE_UPSTREAM} and
 * `facadeOverrides`. Before each test the upstream forgets the requests it recorded and answers with
 * `handler` again (default: `{"ok":true}`), so a handler one test installs never leaks into the next.
 */
export function useFacadeOverFake(
  facadeOverrides: Partial<ConfigInput> = {},
  { handler = answerOk }: { handler?: FakeHandler } = {},
): FacadeOverFake {
  let upstream: FakeUpstream | undefined;
  let facade: TestFacade | undefined;
  beforeAll(async () => {
    upstream = await startFakeUpstream(handler);
    facade = await startTestFacade(upstream.url, { ...FAKE_UPSTREAM, ...facadeOverrides });
  });
  afterAll(async () => {
    await facade?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    if (upstream === undefined) return;
    upstream.requests.length = 0;
    upstream.handle(handler);
  });
  return {
    facade: () => started(facade, 'facade over fake'),
    upstream: () => started(upstream, 'fake upstream'),
  };
}
