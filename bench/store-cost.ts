// The store's write cost per mutation, on a real SQLite file: `npm run bench:store`.
// Prints microseconds per audit row, per tracked delete (start + two statuses), and per job child update.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite.ts';

const ROWS = Number(process.env.BENCH_STORE_ROWS ?? 20_000);

/** Runs `write` `count` times in sequence, each awaited as a request would, and answers µs per call. */
async function perCall(count: number, write: (index: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) await write(index);
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
}

const dataDir = mkdtempSync(join(tmpdir(), 'facade-store-bench-'));
try {
  const store = await openSqliteStore(dataDir);
  const details = { route: 'PUT /v1/rooms/{room_id}/block', body: { block: true }, upstream_status: 200 };
  const audit = await perCall(ROWS, (index) =>
    store.appendAudit({ at: Date.now(), kind: 'owned', action: 'room.block', method: 'PUT', path: `/_synapse/admin/v1/rooms/!r${index}:hs/block`, roomId: `!r${index}:hs`, admin: '@admin:hs', status: 200, durationMs: 2, requestId: `req-${index}`, details }),
  );
  const deletes = await perCall(ROWS / 10, async (index) => {
    await store.recordDeleteStart({ deleteId: `d${index}`, api: 'v2', roomId: `!r${index}:hs`, admin: '@admin:hs', requestedAt: Date.now(), flags: { purge: true } });
    await store.recordDeleteProgress(`d${index}`, { status: 'active', at: Date.now(), final: false });
    await store.recordDeleteProgress(`d${index}`, { status: 'complete', at: Date.now(), final: true, shutdownRoom: { kicked_users: [] } });
  });
  const rooms = Array.from({ length: ROWS / 10 }, (_, index) => `!r${index}:hs`);
  await store.createJob({ id: 'bench', action: 'block', options: {}, admin: '@admin:hs', concurrency: 1, paceMs: 0, createdAt: Date.now(), listHash: 'x', rooms });
  const child = await perCall(rooms.length, async (index) => {
    await store.updateJobChild('bench', index, { state: 'sending', sentAt: Date.now(), updatedAt: Date.now() });
    await store.updateJobChild('bench', index, { state: 'done', result: { block: true }, updatedAt: Date.now() });
  });
  const page = await perCall(200, () => store.listAudit({ limit: 100, roomId: '!r5:hs' }));
  await store.close();
  console.log(`store write cost on ${dataDir} (SQLite WAL, synchronous=NORMAL), ${ROWS} audit rows:`);
  console.log(`  audit row (one per mutation):                ${audit.toFixed(1)} µs`);
  console.log(`  tracked delete (start + active + complete):  ${deletes.toFixed(1)} µs`);
  console.log(`  job child (sending + done):                  ${child.toFixed(1)} µs`);
  console.log(`  audit page of 100 by room (read):            ${page.toFixed(1)} µs`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
