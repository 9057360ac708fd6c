// The bench's split of one request's time from packet times: which packets belong to which request, and what is
// left out (other connections, bare acknowledgements, requests cut by the capture's start or end).
import { describe, expect, it } from 'vitest';
import { wireTimes } from '../../bench/peers/wire-timing.ts';

const CLIENT = 50_000;
const PROXY = 8_009;
const PROXY_SIDE = 50_100;
const SYNAPSE = 8_008;

/** A tcpdump -tt -n line at `at` µs past a fixed second. */
const packet = (at: number, from: number, to: number, length = 100) =>
  `1796311804.${String(at).padStart(6, '0')} IP 127.0.0.1.${from} > 127.0.0.1.${to}: Flags [P.], seq 1:${length + 1}, ack 1, win 512, options [nop,nop,TS val 1 ecr 2], length ${length}`;

/** One proxied request: in `inUs`, Synapse `upstreamUs` (its answer in two segments), out `outUs`. */
function exchange(start: number, inUs: number, upstreamUs: number, outUs: number): string[] {
  return [
    packet(start, CLIENT, PROXY),
    packet(start + inUs, PROXY_SIDE, SYNAPSE),
    packet(start + inUs + upstreamUs - 10, SYNAPSE, PROXY_SIDE),
    packet(start + inUs + upstreamUs, SYNAPSE, PROXY_SIDE),
    packet(start + inUs + upstreamUs + outUs, PROXY, CLIENT),
  ];
}

describe('wire times of one-connection requests', () => {
  it("splits each request into the proxy's in, Synapse's time to its last byte and the proxy's out", () => {
    const lines = [...exchange(0, 40, 1_000, 60), ...exchange(2_000, 50, 900, 70), ...exchange(4_000, 60, 1_100, 80)];
    expect(wireTimes(lines, PROXY, SYNAPSE)).toEqual({ requests: 3, inUs: 50, upstreamUs: 1_000, outUs: 70, onPathUs: 120 });
  });

  it('leaves out bare acknowledgements, other connections to Synapse, and requests the capture cut', () => {
    const lines = [
      // The capture started mid-request: Synapse's answer and the proxy's, without the request.
      packet(100, SYNAPSE, PROXY_SIDE), packet(150, PROXY, CLIENT),
      ...exchange(1_000, 40, 1_000, 60),
      // The facade's own call to Synapse on another connection, during the next request, and a bare ack.
      packet(3_010, 50_200, SYNAPSE), packet(3_020, SYNAPSE, 50_200), packet(3_030, CLIENT, PROXY, 0),
      ...exchange(3_000, 40, 1_000, 60),
      ...exchange(5_000, 40, 1_000, 60),
      // A request still waiting for Synapse when the capture stopped.
      packet(7_000, CLIENT, PROXY), packet(7_040, PROXY_SIDE, SYNAPSE),
      'tcpdump: listening on lo, link-type EN10MB',
    ];
    expect(wireTimes(lines, PROXY, SYNAPSE)).toEqual({ requests: 3, inUs: 40, upstreamUs: 1_000, outUs: 60, onPathUs: 100 });
  });

  it("measures only Synapse's time when the client spoke to it directly", () => {
    const lines = [packet(0, CLIENT, SYNAPSE), packet(900, SYNAPSE, CLIENT), packet(1_000, CLIENT, SYNAPSE), packet(2_090, SYNAPSE, CLIENT, 50), packet(2_100, SYNAPSE, CLIENT)];
    expect(wireTimes(lines, SYNAPSE, SYNAPSE)).toEqual({ requests: 2, inUs: 0, upstreamUs: 1_000, outUs: 0, onPathUs: 0 });
  });

  it('says nothing when no request was seen whole', () => {
    expect(wireTimes([packet(0, CLIENT, PROXY)], PROXY, SYNAPSE)).toBeUndefined();
  });
});
