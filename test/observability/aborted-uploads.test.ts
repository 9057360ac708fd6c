// A client that closes mid-upload is not a facade fault: one info request line with `aborted: true`, a count
// in facade_client_aborts_total, no ERROR line or stack trace, and nothing sent to Synapse for an owned route.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';

const { facade, upstream } = useFacadeOverFake();

/** Sends the head and the first 10 of `declaredBytes` body bytes, waits, then closes the connection. */
async function uploadThenLeave(head: string, declaredBytes = 100): Promise<void> {
  const { hostname, port } = new URL(facade().url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(`${head}Host: x\r\nContent-Type: application/json\r\nContent-Length: ${declaredBytes}\r\n\r\n{"block":`);
  await sleep(150);
  socket.destroy();
  await sleep(200);
}

/** facade_client_aborts_total for `route`. */
async function abortCount(route: string): Promise<number> {
  const { values } = await facade().context.metrics.clientAborts.get();
  return values.find((value) => value.labels.route === route)?.value ?? 0;
}

/** Uploads then leaves, and checks the one info line, the count and the absence of any error line. */
async function expectQuietAbort(head: string, route: string): Promise<void> {
  const linesBefore = facade().logLines.length;
  const countBefore = await abortCount(route);
  await uploadThenLeave(head);
  const lines = facade().logLines.slice(linesBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
  expect(lines.filter((line) => line.msg === 'request')).toEqual([expect.objectContaining({ level: 30, route, aborted: true, status: 0 })]);
  expect(facade().logLines.slice(linesBefore).join('\n')).not.toMatch(/stack|Error: aborted/);
  expect(await abortCount(route)).toBe(countBefore + 1);
}

describe('issue 10 #5: log noise at will', () => {
  it('an owned mutation route, without a token: nothing sent to Synapse', async () => {
    await expectQuietAbort('PUT /_synapse/admin/v1/rooms/!a:hs/block HTTP/1.1\r\n', 'PUT /v1/rooms/{room_id}/block');
    expect(upstream().requests).toEqual([]);
  });

  it('an owned mutation route, with a token: nothing sent to Synapse', async () => {
    await expectQuietAbort('PUT /_synapse/admin/v1/rooms/!a:hs/block HTTP/1.1\r\nAuthorization: Bearer t\r\n', 'PUT /v1/rooms/{room_id}/block');
    expect(upstream().requests).toEqual([]);
  });

  it('pass-through: the upstream request is abandoned, not counted as Synapse failing', async () => {
    const errorsBefore = (await facade().context.metrics.upstreamErrors.get()).values.reduce((sum, value) => sum + value.value, 0);
    await expectQuietAbort('PUT /_matrix/client/v3/rooms/!a:hs/send/m.room.message/txn1 HTTP/1.1\r\nAuthorization: Bearer t\r\n', 'pass-through');
    const errorsAfter = (await facade().context.metrics.upstreamErrors.get()).values.reduce((sum, value) => sum + value.value, 0);
    expect(errorsAfter).toBe(errorsBefore);
    // Synapse never received a whole request.
    expect(upstream().requests).toEqual([]);
  });

  it('a complete upload is untouched: answered, not counted as an abort', async () => {
    const countBefore = await abortCount('PUT /v1/rooms/{room_id}/block');
    const answer = await fetch(`${facade().url}/_synapse/admin/v1/rooms/!a:hs/block`, { method: 'PUT', body: '{"block":true}', headers: { authorization: 'Bearer t' } });
    expect(answer.status).toBe(200);
    expect(await abortCount('PUT /v1/rooms/{room_id}/block')).toBe(countBefore);
  });
});
