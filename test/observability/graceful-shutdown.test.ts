// SIGTERM while requests are in flight: every one completes (or gets a clean error), none is cut off,
// no new connection is accepted, and the process exits 0. Runs the real entry point (`npm start`).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyJson, startFakeUpstream, untilUpstreamHas, type FakeUpstream, type SeenRequest } from '../support/fake-upstream.ts';
import { SQLITE_FILE } from '../../src/store/sqlite.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream(async (seen, response) => {
    await sleep(700);
    if (seen.url.startsWith('/_synapse/admin/v1/rooms/')) replyJson(response, 200, seen.method === 'DELETE'
      ? { kicked_users: [], failed_to_kick_users: [], local_aliases: [], new_room_id: null }
      : { members: ['@a:hs'], total: 1 });
    else replyJson(response, 200, { versions: ['v1.11'] });
  });
});
// The children's stderr goes to files here, read back when a child fails.
const stderrDir = mkdtempSync(join(tmpdir(), 'facade-shutdown-'));
afterAll(() => {
  rmSync(stderrDir, { recursive: true, force: true });
  return upstream.close();
});

const isVersions = (request: SeenRequest) => request.url === '/_matrix/client/versions';

/** The tail of what a child wrote to stderr (its stack trace when it crashed), for a failure's message. */
function stderrTail(path: string): string {
  const text = readFileSync(path, 'utf8').trim();
  return text === '' ? '(nothing on stderr)' : text.slice(-2_000);
}

/**
 * Starts `node src/main.ts` and resolves with the process and its URL once it listens; `stderr()` reads what it
 * has written to stderr so far.
 */
function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; logs: string[]; stderr: () => string }> {
  const stderrPath = join(stderrDir, `${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  const stderrFile = openSync(stderrPath, 'w');
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../src/main.ts')], {
    env: { ...process.env, DATA_DIR: ':memory:', ...env },
    // stderr is a file, not a pipe: a pipe there is a handle the event loop waits on (modules the facade imports
    // open it; a file does not make one), and it held the loop open and hid the child exiting in the middle of its
    // stop. A file still keeps a crash's stack trace for the failure message.
    stdio: ['ignore', 'pipe', stderrFile],
  });
  // The child has its own copy of the descriptor.
  closeSync(stderrFile);
  const stderr = () => stderrTail(stderrPath);
  const logs: string[] = [];
  // A chunk of the pipe may end mid-line: the rest comes with the next one.
  let partial = '';
  return new Promise((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        logs.push(line);
        const url = (JSON.parse(line) as { url?: string }).url;
        if (url) done({ child, url, logs, stderr });
      }
    });
    child.once('exit', (code) => fail(new Error(`exited early with ${code}; its stderr:\n${stderr()}`)));
  });
}

describe('graceful shutdown on SIGTERM', () => {
  it('finishes every request in flight, refuses new connections, exits 0', async () => {
    const { child, url, logs, stderr } = await startMain({ SYNAPSE_URL: upstream.url, PORT: '0', VERIFY_ADMINS: 'false', SHUTDOWN_TIMEOUT_MS: '5000' });
    const auth = { authorization: 'Bearer t' };
    const from = upstream.requests.length;
    const inFlight = [
      fetch(`${url}/_matrix/client/versions`),
      fetch(`${url}/_synapse/admin/v1/rooms/!a:hs/members`, { headers: auth }),
      fetch(`${url}/_synapse/admin/v1/rooms/!b:hs`, { method: 'DELETE', body: '{}', headers: auth }),
      ...Array.from({ length: 5 }, (_unused, index) => fetch(`${url}/_synapse/admin/v1/rooms/!c${index}:hs/members`, { headers: auth })),
    ];
    await untilUpstreamHas(upstream, (request) => isVersions(request) || request.url.startsWith('/_synapse/admin/v1/rooms/!'), { from, count: inFlight.length });
    // 'close', not 'exit': only then has the last of the child's stdout been read (Node emits 'exit' possibly before).
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    let allAnswered = false;
    const answering = Promise.all(inFlight).then((answers) => {
      allAnswered = true;
      return answers;
    });
    child.kill('SIGTERM');
    // Tries to connect until refused: the signal reaches the child after a moment that a loaded machine stretches.
    const { hostname, port } = new URL(url);
    const connects = () => new Promise<boolean>((done) => {
      const socket = connect(Number(port), hostname);
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    const deadline = Date.now() + 5_000;
    while ((await connects()) && Date.now() < deadline) await sleep(20);
    // Refused while the requests were still being answered, not only once the process was gone.
    const refusedWhileDraining = !allAnswered && !(await connects());
    const answers = await answering;
    expect(answers.map((answer) => answer.status)).toEqual(inFlight.map(() => 200));
    expect(await answers[1]!.json()).toEqual({ members: ['@a:hs'], total: 1 });
    expect(refusedWhileDraining).toBe(true);
    expect(await exited, stderr()).toBe(0);
    expect(logs.some((line) => line.includes('"cut_requests":0')), logs.slice(-3).join('\n')).toBe(true);
  });

  it('a stop whose last request closes its connection still finishes (the event loop emptied mid-stop and Node exited 0 without the stopped line)', async () => {
    // Only the client's own request is slow: the index sweep's calls fail at once, so its loop waits on its
    // unreferenced timer and no upstream call is left to hold the process up when the last connection closes.
    const quick = await startFakeUpstream(async (seen, response) => {
      if (seen.url !== '/_matrix/client/versions') return replyJson(response, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
      await sleep(500);
      replyJson(response, 200, { versions: ['v1.11'] });
    });
    try {
      const { child, url, logs, stderr } = await startMain({ SYNAPSE_URL: quick.url, PORT: '0', VERIFY_ADMINS: 'false', SHUTDOWN_TIMEOUT_MS: '5000' });
      const { hostname, port } = new URL(url);
      const socket = connect(Number(port), hostname);
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      const answered = new Promise((done) => socket.once('close', done));
      // Connection: close, so the answer's connection is gone the moment it is written, while the drain waits.
      socket.write('GET /_matrix/client/versions HTTP/1.1\r\nHost: facade\r\nConnection: close\r\n\r\n');
      await untilUpstreamHas(quick, isVersions);
      const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
      child.kill('SIGTERM');
      await answered;
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      expect(await exited, stderr()).toBe(0);
      expect(logs.some((line) => line.includes('"cut_requests":0')), logs.slice(-3).join('\n')).toBe(true);
    } finally {
      await quick.close();
    }
  });

  it('cuts what is still running after SHUTDOWN_TIMEOUT_MS and still exits 0', async () => {
    const { child, url, logs, stderr } = await startMain({ SYNAPSE_URL: upstream.url, PORT: '0', VERIFY_ADMINS: 'false', SHUTDOWN_TIMEOUT_MS: '100' });
    const from = upstream.requests.length;
    const slow = fetch(`${url}/_matrix/client/versions`).then((answer) => answer.status, () => 'cut');
    await untilUpstreamHas(upstream, isVersions, { from });
    // 'close', not 'exit': only then has the last of the child's stdout been read (Node emits 'exit' possibly before).
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited, stderr()).toBe(0);
    expect(await slow).toBe('cut');
    expect(logs.some((line) => line.includes('"cut_requests":1'))).toBe(true);
  });
});

describe('a second signal during the stop', () => {
  it('a second SIGTERM or SIGINT cuts what is still running at once and the stop still ends cleanly (it was ignored, and the drain waited out SHUTDOWN_TIMEOUT_MS)', async () => {
    // Synapse takes 10 s over this GET; the drain may wait 30 s for it.
    const slowUpstream = await startFakeUpstream(async (_seen, response) => {
      await sleep(10_000);
      if (!response.destroyed) replyJson(response, 200, { versions: ['v1.11'] });
    });
    try {
      const { child, url, logs, stderr } = await startMain({ SYNAPSE_URL: slowUpstream.url, PORT: '0', VERIFY_ADMINS: 'false', SHUTDOWN_TIMEOUT_MS: '30000' });
      const slow = fetch(`${url}/_matrix/client/versions`).then((answer) => answer.status, () => 'cut');
      await untilUpstreamHas(slowUpstream, isVersions);
      const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
      child.kill('SIGTERM');
      await sleep(300);
      // The first signal drains: the request is still running and so is the process.
      expect(child.exitCode, stderr()).toBe(null);
      const secondAt = Date.now();
      child.kill('SIGINT');
      expect(await exited, stderr()).toBe(0);
      expect(Date.now() - secondAt).toBeLessThan(3_000);
      expect(await slow).toBe('cut');
      expect(logs.some((line) => line.includes('"signal":"SIGINT"') && line.includes('cutting the requests still in flight')), logs.join('\n')).toBe(true);
      expect(logs.some((line) => line.includes('"cut_requests":1')), logs.slice(-3).join('\n')).toBe(true);
    } finally {
      await slowUpstream.close();
    }
  });

  it('a mutation Synapse is working on when the stop is cut short still gets its audit row, with Synapse\'s status', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'facade-shutdown-store-'));
    try {
      const { child, url, logs, stderr } = await startMain({
        SYNAPSE_URL: upstream.url,
        PORT: '0',
        VERIFY_ADMINS: 'false',
        SHUTDOWN_TIMEOUT_MS: '30000',
        DATA_DIR: dataDir,
      });
      // The upstream answers after 700 ms; the client's connection is cut long before.
      const from = upstream.requests.length;
      const deleted = fetch(`${url}/_synapse/admin/v1/rooms/!b:hs`, { method: 'DELETE', body: '{}', headers: { authorization: 'Bearer t' } })
        .then((answer) => answer.status, () => 'cut');
      await untilUpstreamHas(upstream, (request) => request.method === 'DELETE', { from });
      const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
      child.kill('SIGTERM');
      await sleep(100);
      child.kill('SIGTERM');
      expect(await exited, stderr()).toBe(0);
      expect(await deleted).toBe('cut');
      expect(logs.some((line) => line.includes('"cut_requests":1')), logs.slice(-3).join('\n')).toBe(true);
      const db = new DatabaseSync(join(dataDir, SQLITE_FILE), { readOnly: true });
      try {
        const rows = db.prepare('SELECT method, room_id, status FROM audit').all();
        expect(rows).toEqual([{ method: 'DELETE', room_id: '!b:hs', status: 200 }]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
