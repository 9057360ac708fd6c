// Benchmark child: one facade with a given config, reporting its CPU time (and optional CPU profiles) over IPC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFacade } from '../src/server.ts';
import { createLogger } from '../src/log.ts';
import { serveParent } from './internal/ipc.ts';
import { startProfile, stopProfile } from './internal/cpu-profile.ts';

// The config is passed through as given (JSON in argv[2]); keys this version of the facade does not know are
// stripped by its Zod schema, so the benchmark can name settings before they exist.
const config = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startFacade>[0];
// A real store file, as production has, so a mutation's measured cost includes its audit row.
const dataDir = mkdtempSync(join(tmpdir(), 'facade-bench-'));
const facade = await startFacade({ dataDir, ...config, host: '127.0.0.1', port: 0 }, { logger: createLogger(config.logLevel ?? 'silent') });

serveParent({ url: facade.url, config: facade.config }, {
  cpu: () => process.cpuUsage(),
  // Bytes the response cache holds now (the memory row compares RSS with it).
  cacheBytes: () => facade.context.cache?.size ?? 0,
  // A full collection (twice: the first may only queue finalizers), for a memory reading without garbage in it;
  // `last-resort` is the memory-reducing one, which also hands V8's free pages back.
  gc: (flavor?: unknown) => {
    const collect = globalThis.gc as unknown as ((options?: { type: 'major'; execution: 'sync'; flavor: 'regular' | 'last-resort' }) => void) | undefined;
    const options = { type: 'major', execution: 'sync', flavor: flavor === 'last-resort' ? 'last-resort' : 'regular' } as const;
    collect?.(options);
    collect?.(options);
    return null;
  },
  // Where the memory is: V8's heap, Buffers outside it, resident in all.
  memory: () => process.memoryUsage(),
  // Times the facade handed memory back on its own once quiet (src/memory/handback.ts).
  handbacks: async () => (await facade.context.metrics.memoryHandbacks.get()).values[0]?.value ?? 0,
  profileStart: async () => { await startProfile(); return null; },
  profileStop: () => stopProfile(),
  // A sweep of the room and destination index now; answers when it has ended (bench:index times a refresh sweep).
  sweep: async () => { await facade.index.wake(); return null; },
  close: async () => { await facade.close(); rmSync(dataDir, { recursive: true, force: true }); setImmediate(() => process.exit(0)); return null; },
});
