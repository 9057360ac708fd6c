// Logs: one JSON line per request with a request id (taken or made, and returned); tokens never appear.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { BIG_ROOM_ID, FAILING_DESTINATION } from '../../src/mock/fixtures.ts';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN } from '../../src/mock/constants.ts';
import { DESTINATIONS, enc, ROOMS, useFacadeOverMock } from '../routes/support.ts';

const pair = useFacadeOverMock();
const requestLines = () =>
  pair.facade().logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');

describe('request log lines', () => {
  it('one line per request with the route template, status, duration and upstream status; the id is echoed', async () => {
    const answer = await fetch(`${pair.facade().url}${ROOMS}/${enc(BIG_ROOM_ID)}/members`, {
      headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`, 'x-request-id': 'trace-42' },
    });
    expect(answer.headers.get('x-request-id')).toBe('trace-42');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const line = requestLines().find((entry) => entry.request_id === 'trace-42')!;
    expect(line).toMatchObject({ method: 'GET', route: 'GET /v1/rooms/{room_id}/members', status: 200, upstream_status: 200 });
    expect(typeof line.duration_ms).toBe('number');
  });

  it('the request line is what pino itself writes for those fields: same keys, same order, same values', async () => {
    await fetch(`${pair.facade().url}${ROOMS}?limit=1`, { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`, 'x-request-id': 'same-as-pino' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const raw = pair.facade().logLines.find((line) => line.includes('"same-as-pino"'))!;
    const written = JSON.parse(raw) as Record<string, unknown>;
    const { level: _level, time, service: _service, msg: _msg, ...fields } = written;
    const sink: string[] = [];
    createLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => done(void sink.push(chunk.toString('utf8'))) })).info(fields, 'request');
    const byPino = JSON.parse(sink[0]!) as Record<string, unknown>;
    expect(Object.keys(written)).toEqual(Object.keys(byPino));
    expect({ ...written, time: 0 }).toEqual({ ...byPino, time: 0 });
    expect(typeof time).toBe('number');
    expect(raw.endsWith('}')).toBe(true);
  });

  it('makes up an id when the client sends none (or an unsafe one)', async () => {
    const answer = await fetch(`${pair.facade().url}/_matrix/client/versions`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('no token ever reaches the logs', () => {
  it('a full run with tokens in headers, query strings, errors, mutations and logins leaves none in the log', async () => {
    const url = pair.facade().url;
    const secretQueryToken = 'syt_query_secret_token_value';
    const headers = { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` };
    await fetch(`${url}${ROOMS}?limit=2`, { headers });
    await fetch(`${url}${ROOMS}?limit=bad`, { headers });
    await fetch(`${url}${ROOMS}?access_token=${DEFAULT_ADMIN_TOKEN}&order_by=size`);
    await fetch(`${url}${ROOMS}?access_token=${secretQueryToken}`);
    await fetch(`${url}${ROOMS}`, { headers: { authorization: `Bearer ${DEFAULT_USER_TOKEN}` } });
    await fetch(`${url}${ROOMS}`, { headers: { authorization: 'Bearer syt_unknown_token_value' } });
    await fetch(`${url}${ROOMS}/${enc(BIG_ROOM_ID)}/block`, { method: 'PUT', headers, body: '{"block":true}' });
    await fetch(`${url}${DESTINATIONS}/${enc(FAILING_DESTINATION)}/reset_connection?access_token=${DEFAULT_ADMIN_TOKEN}`, { method: 'POST' });
    await fetch(`${url}/_matrix/client/v3/account/whoami?access_token=${secretQueryToken}`);
    const login = await fetch(`${url}/_matrix/client/v3/login`, {
      method: 'POST',
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'admin' }, password: 'admin-password' }),
    });
    const { access_token: issued } = (await login.json()) as { access_token: string };
    await fetch(`${url}${ROOMS}?limit=1`, { headers: { authorization: `Bearer ${issued}` } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const everything = pair.facade().logLines.join('\n');
    expect(pair.facade().logLines.length).toBeGreaterThan(10);
    for (const secret of [DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN, secretQueryToken, 'syt_unknown_token_value', issued, 'admin-password']) {
      expect(everything).not.toContain(secret);
    }
  });
});
