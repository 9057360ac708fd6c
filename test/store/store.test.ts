// Every operation's rules on each database the store runs on (test/support/stores.ts): audit rows, room deletes,
// bulk jobs and secrets.
import { describe, expect, it } from 'vitest';
import { auditRow, storeKinds, storePerTest } from '../support/stores.ts';

describe.each(storeKinds)('$name', (kind) => {
  const t = storePerTest(kind);

  describe('audit rows', () => {
    it('lists newest first and pages by (at, id) without repeating or skipping rows of the same millisecond', async () => {
      for (const at of [1, 2, 2, 2, 3]) await t.store.appendAudit(auditRow(at));
      const first = await t.store.listAudit({ limit: 2 });
      expect(first.map((row) => row.at)).toEqual([3, 2]);
      const last = first.at(-1)!;
      const second = await t.store.listAudit({ limit: 10, before: { at: last.at, id: last.id } });
      expect(second.map((row) => row.at)).toEqual([2, 2, 1]);
      expect(new Set([...first, ...second].map((row) => row.id)).size).toBe(5);
    });

    it('filters by room, admin, action and an inclusive time range', async () => {
      await t.store.appendAudit(auditRow(10));
      await t.store.appendAudit(auditRow(20, { roomId: '!b:hs', admin: '@other:hs', action: 'room.unblock' }));
      await t.store.appendAudit(auditRow(30, { roomId: '!b:hs' }));
      expect((await t.store.listAudit({ limit: 10, roomId: '!b:hs' })).map((row) => row.at)).toEqual([30, 20]);
      expect((await t.store.listAudit({ limit: 10, admin: '@other:hs' })).map((row) => row.at)).toEqual([20]);
      expect((await t.store.listAudit({ limit: 10, action: 'room.block' })).map((row) => row.at)).toEqual([30, 10]);
      expect((await t.store.listAudit({ limit: 10, since: 20, until: 30 })).map((row) => row.at)).toEqual([30, 20]);
    });

    it('keeps details as JSON and prunes only rows older than the bound, in batches', async () => {
      for (let at = 1; at <= 5; at += 1) await t.store.appendAudit(auditRow(at, { details: { n: at, nested: { ok: true } } }));
      expect(await t.store.pruneAudit(4, 2)).toBe(2);
      expect(await t.store.pruneAudit(4, 2)).toBe(1);
      expect(await t.store.pruneAudit(4, 2)).toBe(0);
      const left = await t.store.listAudit({ limit: 10 });
      expect(left.map((row) => row.details)).toEqual([{ n: 5, nested: { ok: true } }, { n: 4, nested: { ok: true } }]);
    });
  });

  describe('room deletes', () => {
    it('records each new status once, in order, and never replaces a final one', async () => {
      await t.store.recordDeleteStart({ deleteId: 'd1', api: 'v2', roomId: '!a:hs', admin: '@admin:hs', requestedAt: 100, flags: { block: true } });
      expect(await t.store.recordDeleteProgress('d1', { status: 'active', at: 110, final: false })).toBe(true);
      expect(await t.store.recordDeleteProgress('d1', { status: 'active', at: 120, final: false })).toBe(false);
      const result = { kicked_users: ['@u:hs'], failed_to_kick_users: [], local_aliases: [], new_room_id: null };
      expect(await t.store.recordDeleteProgress('d1', { status: 'complete', at: 130, final: true, shutdownRoom: result })).toBe(true);
      expect(await t.store.recordDeleteProgress('d1', { status: 'failed', at: 140, final: true, error: 'late' })).toBe(false);
      expect(await t.store.recordDeleteProgress('unknown', { status: 'active', at: 1, final: false })).toBe(false);
      const record = await t.store.getDelete('d1');
      expect(record).toMatchObject({ status: 'complete', finishedAt: 130, shutdownRoom: result, error: null, flags: { block: true } });
      expect(record?.history).toEqual([
        { status: 'scheduled', at: 100 },
        { status: 'active', at: 110 },
        { status: 'complete', at: 130 },
      ]);
    });

    it('lists a room’s deletes oldest first and the unfinished v2 ones', async () => {
      await t.store.recordDeleteStart({ deleteId: 'late', api: 'v2', roomId: '!a:hs', admin: null, requestedAt: 20, flags: {} });
      await t.store.recordDeleteStart({ deleteId: 'early', api: 'v1', roomId: '!a:hs', admin: null, requestedAt: 10, flags: {} });
      await t.store.recordDeleteStart({ deleteId: 'other', api: 'v2', roomId: '!b:hs', admin: null, requestedAt: 30, flags: {}, jobId: 'job-1' });
      await t.store.recordDeleteProgress('other', { status: 'failed', at: 40, final: true, error: 'x' });
      expect((await t.store.deletesOfRoom('!a:hs')).map((record) => record.deleteId)).toEqual(['early', 'late']);
      expect((await t.store.unfinishedDeletes('v2')).map((record) => record.deleteId)).toEqual(['late']);
      expect((await t.store.getDelete('other'))?.jobId).toBe('job-1');
    });
  });

  describe('jobs', () => {
    it('creates a job with hundreds of children in list order, counts them by state and updates them', async () => {
      const rooms = Array.from({ length: 450 }, (_, index) => `!r${index}:hs`);
      await t.store.createJob({ id: 'j1', action: 'delete', options: { purge: true }, admin: '@a:hs', concurrency: 2, paceMs: 10, createdAt: 5, listHash: 'hash', rooms });
      expect((await t.store.jobChildren('j1')).map((child) => child.roomId)).toEqual(rooms);
      await t.store.updateJobChild('j1', 0, { state: 'sending', sentAt: 6, updatedAt: 6 });
      await t.store.updateJobChild('j1', 0, { state: 'following', deleteId: 'd', updatedAt: 7 });
      await t.store.updateJobChild('j1', 1, { state: 'failed', error: 'no', result: { errcode: 'M_UNKNOWN' }, updatedAt: 7 });
      const job = await t.store.getJob('j1');
      expect(job).toMatchObject({ state: 'running', roomCount: 450, options: { purge: true }, counts: { pending: 448, following: 1, failed: 1 } });
      const [first, second] = await t.store.jobChildren('j1', { limit: 2 });
      expect(first).toMatchObject({ state: 'following', sentAt: 6, deleteId: 'd', updatedAt: 7 });
      expect(second).toMatchObject({ state: 'failed', error: 'no', result: { errcode: 'M_UNKNOWN' } });
      expect((await t.store.jobChildren('j1', { states: ['pending'], afterPosition: 440 })).map((child) => child.position)).toEqual([441, 442, 443, 444, 445, 446, 447, 448, 449]);
    });

    it('lists jobs newest first by keyset and keeps only unfinished ones for resuming', async () => {
      for (const [id, createdAt] of [['a', 1], ['b', 2], ['c', 2]] as const) {
        await t.store.createJob({ id, action: 'block', options: {}, admin: '@a:hs', concurrency: 1, paceMs: 0, createdAt, listHash: 'h', rooms: ['!x:hs'] });
      }
      await t.store.updateJob('b', { state: 'finished', finishedAt: 9, updatedAt: 9 });
      const page = await t.store.listJobs({ limit: 2 });
      expect(page.map((job) => job.id)).toEqual(['c', 'b']);
      expect((await t.store.listJobs({ limit: 2, before: { createdAt: 2, id: 'b' } })).map((job) => job.id)).toEqual(['a']);
      expect((await t.store.unfinishedJobs()).map((job) => job.id)).toEqual(['a', 'c']);
      expect((await t.store.getJob('b'))?.finishedAt).toBe(9);
    });

    it('keeps a secret across reopening', async () => {
      const secret = await t.store.secret('job-confirm');
      expect(secret).toHaveLength(32);
      const reopened = await t.reopen();
      expect((await reopened.secret('job-confirm')).equals(secret)).toBe(true);
      expect((await reopened.secret('other')).equals(secret)).toBe(false);
    });
  });
});
