// AUDIT_RETENTION_DAYS: the pruner deletes rows older than the retention, in batches, and nothing newer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneAudit, startAuditPruner } from '../../src/jobs/audit-retention.ts';
import type { BackgroundTask } from '../../src/internal/background.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { FAKE_UPSTREAM, startTestFacade, type TestFacade } from '../support/facade.ts';
import { row, storedRows, until } from './support.ts';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2025-06-01T00:00:00Z');
let upstream: FakeUpstream;
let facade: TestFacade;
let pruner: BackgroundTask | undefined;

beforeEach(async () => {
  upstream = await startFakeUpstream();
  facade = await startTestFacade(upstream.url, { ...FAKE_UPSTREAM, auditRetentionDays: 30 });
});
afterEach(async () => {
  await pruner?.stop();
  pruner = undefined;
  await facade.close();
  await upstream.close();
});

/** Appends `count` rows `ageMs` old (relative to NOW), each tagged with `tag`. */
async function rowsAged(count: number, ageMs: number, tag: string) {
  for (let index = 0; index < count; index++) await facade.context.store.appendAudit(row(NOW - ageMs, { details: { tag } }));
}

describe('audit retention', () => {
  it('removes every row older than the retention, batch after batch, and none newer', async () => {
    await rowsAged(7, 31 * DAY_MS, 'old');
    await rowsAged(2, 30 * DAY_MS + 1, 'just-old');
    await rowsAged(3, 30 * DAY_MS, 'at-the-limit');
    await rowsAged(4, DAY_MS, 'recent');
    // A batch of 2 needs five full statements and a sixth that finds less than a batch.
    expect(await pruneAudit(facade.context, { batch: 2, now: () => NOW })).toBe(9);
    const kept = (await storedRows(facade)).map((entry) => entry.details.tag);
    expect(kept.sort()).toEqual(['at-the-limit', 'at-the-limit', 'at-the-limit', 'recent', 'recent', 'recent', 'recent']);
    expect(await pruneAudit(facade.context, { batch: 2, now: () => NOW })).toBe(0);
  });

  it('the background pruner runs its first pass soon after start and logs how many rows went', async () => {
    await rowsAged(3, 40 * DAY_MS, 'old');
    await rowsAged(1, 0, 'new');
    pruner = startAuditPruner(facade.context, { initialDelayMs: 0, now: () => NOW });
    await until(async () => (await storedRows(facade)).length === 1);
    await until(async () => facade.logLines.some((line) => line.includes('audit rows pruned')));
    const line = facade.logLines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.msg === 'audit rows pruned');
    expect(line).toMatchObject({ removed: 3, retention_days: 30, task: 'audit-pruner' });
  });

  it('a store that fails makes the pass give up quietly (the store hook has counted it); the next pass tries again', async () => {
    await facade.context.store.close();
    pruner = startAuditPruner(facade.context, { initialDelayMs: 0, intervalMs: 20, now: () => NOW });
    await until(async () => {
      const { values } = await facade.context.metrics.storeErrors.get();
      return (values.find((value) => value.labels.operation === 'pruneAudit')?.value ?? 0) >= 2;
    });
    expect(facade.logLines.some((line) => line.includes('background pass failed'))).toBe(false);
  });
});
