// /_facade/health is the process; /_facade/ready is Synapse answering its /health in time.
import { describe, expect, it } from 'vitest';
import { startMockSynapse } from '../../src/mock/server.ts';
import { startTestFacade } from '../support/facade.ts';

describe('health and readiness', () => {
  it('health answers without Synapse; ready says why it is not ready', async () => {
    const orphan = await startTestFacade('http://127.0.0.1:9');
    const health = await fetch(`${orphan.url}/_facade/health`);
    const ready = await fetch(`${orphan.url}/_facade/ready`);
    await orphan.close();
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not ready', reason: 'Synapse is unreachable from the admin facade' });
  });

  it('ready is 200 when Synapse answers /health, 503 when it is too slow', async () => {
    const mock = await startMockSynapse();
    const facade = await startTestFacade(mock.url);
    const ready = await fetch(`${facade.url}/_facade/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', synapse: 'OK' });
    await facade.close();
    await mock.close();

    const slow = await startMockSynapse({ latencyMs: 4_000 });
    const waiting = await startTestFacade(slow.url);
    const late = await fetch(`${waiting.url}/_facade/ready`);
    expect(late.status).toBe(503);
    expect(((await late.json()) as { reason: string }).reason).toMatch(/did not answer/);
    await waiting.close();
    await slow.close();
  });
});
