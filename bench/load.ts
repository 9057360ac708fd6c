// Sustained load with autocannon (in this process): a warm-up, then a measured run with CPU and upstream counts around it.
import autocannon from 'autocannon';
import type { BenchChild, MockChild } from './processes.ts';
import { cpuDeltaUs } from './processes.ts';
import type { ProfileSummary } from './internal/cpu-profile.ts';

/** One throughput measurement. */
export interface LoadRun {
  path: string;
  reqPerS: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** CPU of the process under test (facade, or the mock when hit directly), µs per completed request. */
  targetCpuUsPerReq: number;
  /** The mock's CPU per completed request, µs (0 when nothing reached it). */
  mockCpuUsPerReq: number;
  /** Requests that reached the mock during the measured run. */
  upstreamRequests: number;
  /** X-Facade-Cache values seen during the measured run (`absent` when the header was missing). */
  cacheHeader: Record<string, number>;
}

/** What to load and for how long. */
export interface LoadOptions {
  /** The process the requests go to (the mock itself for the direct scenario). */
  target: BenchChild;
  mock: MockChild;
  path: string;
  /**
   * Gives connection `index` its own path (e.g. its own page), so no two requests in flight share a cache or
   * coalescing key. Default: every connection loads `path`.
   */
  pathFor?: (index: number) => string;
  headers: Record<string, string>;
  /** Concurrent connections; default 50 as in the baseline. */
  connections?: number;
  /** Unmeasured run before the measurement, seconds; default 3. */
  warmupS?: number;
  /** Measured run, seconds. */
  durationS: number;
}

/** Reads X-Facade-Cache from the raw header list autocannon's parser hands to its 'headers' event. */
function cacheHeaderOf(parsed: unknown): string {
  const raw = (parsed as { headers?: unknown }).headers;
  if (!Array.isArray(raw)) return 'absent';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (String(raw[i]).toLowerCase() === 'x-facade-cache') return String(raw[i + 1]);
  }
  return 'absent';
}

interface Fire {
  origin: string;
  path: string;
  pathFor?: (index: number) => string;
  headers: Record<string, string>;
  connections: number;
  durationS: number;
  /** Filled with the X-Facade-Cache values seen, when given. */
  cacheHeader?: Record<string, number>;
}

function fire({ origin, path, pathFor, headers, connections, durationS, cacheHeader }: Fire): Promise<autocannon.Result> {
  let clients = 0;
  return autocannon({
    url: `${origin}${path}`,
    headers,
    connections,
    duration: durationS,
    setupClient: (client) => {
      // setRequests, not setRequest: the latter only changes the next request, then the iterator returns to the default.
      if (pathFor !== undefined) client.setRequests([{ path: pathFor(clients), headers }]);
      clients += 1;
      if (cacheHeader === undefined) return;
      // The typings say IncomingHttpHeaders; at run time it is llhttp's parsed-headers object.
      client.on('headers', (parsed: unknown) => {
        const value = cacheHeaderOf(parsed);
        cacheHeader[value] = (cacheHeader[value] ?? 0) + 1;
      });
    },
  });
}

/** Warms up, then measures `durationS` seconds of closed-loop load at `connections`. */
export async function measureLoad(options: LoadOptions): Promise<LoadRun> {
  const { target, mock, path, pathFor, headers, connections = 50, warmupS = 3, durationS } = options;
  const shot = { origin: target.url, path, pathFor, headers, connections };
  if (warmupS > 0) await fire({ ...shot, durationS: warmupS });
  await mock.reset();
  const cacheHeader: Record<string, number> = {};
  const [targetBefore, mockBefore] = await Promise.all([target.cpu(), mock.cpu()]);
  const result = await fire({ ...shot, durationS, cacheHeader });
  const [targetAfter, mockAfter] = await Promise.all([target.cpu(), mock.cpu()]);
  const counts = await mock.counts();
  await mock.reset();
  const requests = result.requests.total || 1;
  return {
    path,
    reqPerS: Math.round(result.requests.total / result.duration),
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    targetCpuUsPerReq: Math.round(cpuDeltaUs(targetBefore, targetAfter) / requests),
    mockCpuUsPerReq: Math.round(cpuDeltaUs(mockBefore, mockAfter) / requests),
    upstreamRequests: counts.total,
    cacheHeader,
  };
}

/** Loads `path` for `durationS` seconds while the facade child samples its CPU; returns where its time went. */
export async function profileLoad(options: LoadOptions): Promise<ProfileSummary> {
  const { target, path, pathFor, headers, connections = 50, durationS } = options;
  await target.channel.call('profileStart');
  await fire({ origin: target.url, path, pathFor, headers, connections, durationS });
  return (await target.channel.call('profileStop')) as ProfileSummary;
}
