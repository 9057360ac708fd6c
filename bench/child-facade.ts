// Benchmark child: one facade with a given config, reporting its CPU time (and optional CPU profiles) over IPC.
import { startFacade } from '../src/server.ts';
import { createLogger } from '../src/log.ts';
import { serveParent } from './internal/ipc.ts';
import { startProfile, stopProfile } from './internal/cpu-profile.ts';

// The config is passed through as given (JSON in argv[2]); keys this version of the facade does not know are
// stripped by its Zod schema, so the benchmark can name settings before they exist.
const config = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startFacade>[0];
const facade = await startFacade({ ...config, host: '127.0.0.1', port: 0 }, { logger: createLogger('silent') });

serveParent({ url: facade.url, config: facade.config }, {
  cpu: () => process.cpuUsage(),
  profileStart: async () => { await startProfile(); return null; },
  profileStop: () => stopProfile(),
  close: async () => { await facade.close(); setImmediate(() => process.exit(0)); return null; },
});
