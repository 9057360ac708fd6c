// Where one request's time goes in front of the real Synapse, from the kernel's packet times on loopback (tcpdump):
// the proxy's time from the client's request to its own request to Synapse (in), Synapse's time from that request to
// the last byte of its answer, and the proxy's time from there to the last byte of its answer to the client (out).
// Synapse's own speed drifts by a third between runs of a few seconds, far more than a proxy adds; packet times
// split each request, so a proxy's share is measured in the very requests that carry it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { median } from './rounds.ts';

const CANDIDATES = ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'];

/** tcpdump's path, when installed (Debian's `tcpdump`; capturing needs root or CAP_NET_RAW). */
export function findTcpdump(): string | undefined {
  return CANDIDATES.find((path) => existsSync(path));
}

/** Medians over the requests seen whole on the wire, µs; `inUs` and `outUs` are 0 when the client spoke to Synapse directly. */
export interface WireTimes {
  requests: number;
  inUs: number;
  upstreamUs: number;
  outUs: number;
  /** The median of each request's in + out: what the proxy holds a request up by. */
  onPathUs: number;
}

/** One request's packets: the last of the client's request, the proxy's first to Synapse, the last of each answer. */
interface Exchange { clientLast?: number; upstreamFirst?: number; synapseLast?: number; answerLast?: number }

/** A data packet: when (µs since 1970), between which ports. */
interface Packet { at: number; from: number; to: number }

// `1796311804.900123 IP 127.0.0.1.41234 > 127.0.0.1.8008: Flags [P.], seq 1:120, ack 1, win 512, length 119`
const PACKET = /^(\d+)\.(\d{6}) IP [\d.]+\.(\d+) > [\d.]+\.(\d+): .* length (\d+)/;

function dataPackets(lines: Iterable<string>): Packet[] {
  const packets: Packet[] = [];
  for (const line of lines) {
    const match = PACKET.exec(line);
    if (match === null || match[5] === '0') continue;
    // Whole microseconds: seconds since 1970 times a million still fits a double exactly.
    packets.push({ at: Number(match[1]) * 1_000_000 + Number(match[2]), from: Number(match[3]), to: Number(match[4]) });
  }
  return packets;
}

/** The other end of the busiest connection to `port` (other connections, e.g. the facade's own calls, are left out). */
function busiestPeer(packets: readonly Packet[], port: number, except?: number): number | undefined {
  const counts = new Map<number, number>();
  for (const { from, to } of packets) if (to === port && from !== except) counts.set(from, (counts.get(from) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Splits tcpdump lines (`-tt -n` on loopback) into requests on the busiest connection to `proxyPort`, each starting
 * with the client's data, and measures them; on the proxy's side only its busiest connection to `upstreamPort`
 * counts. With `proxyPort === upstreamPort` the client is talking to Synapse directly and only Synapse's time is
 * measured. Requests missing a packet (the capture's first and last) are left out.
 */
export function wireTimes(lines: Iterable<string>, proxyPort: number, upstreamPort: number): WireTimes | undefined {
  const packets = dataPackets(lines);
  const direct = proxyPort === upstreamPort;
  const client = busiestPeer(packets, proxyPort);
  const proxySide = direct ? undefined : busiestPeer(packets, upstreamPort, client);
  const done: Array<Required<Exchange>> = [];
  let current: Exchange = {};
  const finish = () => {
    const { clientLast, upstreamFirst, synapseLast, answerLast } = current;
    if (clientLast !== undefined && answerLast !== undefined && (direct || (upstreamFirst !== undefined && synapseLast !== undefined))) {
      done.push(direct ? { clientLast, upstreamFirst: clientLast, synapseLast: answerLast, answerLast } : { clientLast, upstreamFirst: upstreamFirst!, synapseLast: synapseLast!, answerLast });
    }
    current = {};
  };
  for (const { at, from, to } of packets) {
    if (from === client && to === proxyPort) {
      // The client's data: a new request once the last one has been answered.
      if (current.answerLast !== undefined) finish();
      current.clientLast = at;
    } else if (from === proxyPort && to === client) {
      current.answerLast = at;
    } else if (!direct && from === proxySide && to === upstreamPort) {
      current.upstreamFirst ??= at;
    } else if (!direct && from === upstreamPort && to === proxySide) {
      current.synapseLast = at;
    }
  }
  finish();
  if (done.length === 0) return undefined;
  const inbound = done.map((exchange) => exchange.upstreamFirst - exchange.clientLast);
  const outbound = done.map((exchange) => exchange.answerLast - exchange.synapseLast);
  return {
    requests: done.length,
    inUs: Math.round(median(inbound)),
    upstreamUs: Math.round(median(done.map((exchange) => exchange.synapseLast - exchange.upstreamFirst))),
    outUs: Math.round(median(outbound)),
    onPathUs: Math.round(median(inbound.map((value, i) => value + outbound[i]!))),
  };
}

/** What a capture saw: tcpdump's lines, and how many packets the kernel dropped (then the split is incomplete). */
export interface Capture<T> { result: T; lines: string[]; dropped: number }

/**
 * Captures the data packets (no bare acknowledgements) to or from `ports` on loopback while `run` runs; tcpdump is
 * pinned to `core`, the load generator's, so that it never competes with the process under test.
 */
export async function capturePackets<T>(tcpdump: string, ports: readonly number[], core: number | undefined, run: () => Promise<T>): Promise<Capture<T>> {
  const filter = `tcp and (${ports.map((port) => `port ${port}`).join(' or ')}) and (((ip[2:2] - ((ip[0] & 0xf) << 2)) - ((tcp[12] & 0xf0) >> 2)) != 0)`;
  const argv = [tcpdump, '-i', 'lo', '-n', '-tt', '-l', '-B', '16384', filter];
  const child = core === undefined ? spawn(argv[0]!, argv.slice(1)) : spawn('taskset', ['-c', String(core), ...argv]);
  let out = '';
  let err = '';
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  // tcpdump says "listening on lo" once its filter is in place; until then packets would be missed.
  const giveUpAt = Date.now() + 5_000;
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (err.includes('listening on')) resolve();
      else if (spawnError !== undefined) reject(spawnError);
      else if (child.exitCode !== null) reject(new Error(`tcpdump exited: ${err.trim()}`));
      else if (Date.now() > giveUpAt) {
        child.kill('SIGKILL');
        reject(new Error('tcpdump did not start listening within 5 s'));
      } else setTimeout(check, 20);
    };
    check();
  });
  let result: T;
  try {
    result = await run();
  } finally {
    child.kill('SIGINT');
    await exited;
  }
  const dropped = Number(/(\d+) packets? dropped by kernel/.exec(err)?.[1] ?? 0);
  return { result, lines: out.split('\n'), dropped };
}

