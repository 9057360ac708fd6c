// What the overview browser test starts: the mock, a facade with both indexes swept, a running job and audit rows.
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../../src/mock/server.ts';
import { bearer, startTestFacade, type TestFacade } from '../../support/facade.ts';
import { startJob, waitForJob } from '../../jobs/support/jobs-client.ts';

/** GET through the facade as the mock's admin; throws on anything but 200. */
export async function adminGet<T>(facade: TestFacade, path: string): Promise<T> {
  const response = await fetch(`${facade.url}${path}`, { headers: bearer(DEFAULT_ADMIN_TOKEN) });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** The running set-up. */
export interface OverviewFixture {
  mock: MockSynapse;
  facade: TestFacade;
  /** A block job that stays running (a minute between rooms) while the test looks at it. */
  jobId: string;
  close(): Promise<void>;
}

/** Starts the mock and a facade, sweeps both indexes once, starts a slow job (which writes audit rows). */
export async function startOverviewFixture(): Promise<OverviewFixture> {
  const mock = await startMockSynapse();
  // The sweeper's own token, and no pacing: one sweep of 164 rooms right away.
  const facade = await startTestFacade(mock.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexMaxUpstreamShare: 1 });
  await facade.index.wake();
  for (const kind of ['rooms', 'destinations'] as const) {
    if (!(await facade.context.store.lastIndexSweep(kind))) throw new Error(`the ${kind} index has no complete sweep`);
  }
  const [first, second] = [...mock.state.rooms.keys()];
  const job = await startJob(facade.url, { action: 'block', rooms: [first, second], pace_ms: 60_000 });
  // Its first room done (and audited) before any page loads, so the audit rows hold still while the test compares them.
  await waitForJob(facade.url, job.job_id, ({ counts }) => counts.done === 1);
  return {
    mock,
    facade,
    jobId: job.job_id,
    close: async () => {
      await facade.close();
      await mock.close();
    },
  };
}
