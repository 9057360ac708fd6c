// Benchmark child: a mock Synapse with a fixed latency, reporting its CPU time and upstream request counts over IPC.
import { startMockSynapse } from '../src/mock/server.ts';
import { serveParent } from './internal/ipc.ts';

/** Start-up options, passed as JSON in argv[2]; `roomCount`/`destinationCount` grow the data set (default: the default set). */
export interface MockChildOptions { latencyMs: number; roomCount?: number; destinationCount?: number }

/** Request counts since the last reset: in all, and by path (query string removed). */
export interface UpstreamCounts { total: number; byPath: Record<string, number> }

const { latencyMs, roomCount, destinationCount } = JSON.parse(process.argv[2] ?? '{}') as MockChildOptions;
const mock = await startMockSynapse({ latencyMs, roomCount, destinationCount });

function counts(): UpstreamCounts {
  const byPath: Record<string, number> = {};
  for (const { url } of mock.requests) {
    const path = url.split('?')[0] ?? url;
    byPath[path] = (byPath[path] ?? 0) + 1;
  }
  return { total: mock.requests.length, byPath };
}

serveParent({ url: mock.url }, {
  cpu: () => process.cpuUsage(),
  counts,
  // The mock keeps every request with its headers; forgetting them between scenarios bounds its memory.
  reset: () => { mock.reset(); return null; },
  close: async () => { await mock.close(); setImmediate(() => process.exit(0)); return null; },
});
