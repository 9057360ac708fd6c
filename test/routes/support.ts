// Shared set-up for route tests: a facade on a loopback port in front of a mock Synapse, and small request helpers.
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { ConfigInput } from '../../src/config.ts';
import { DEFAULT_ADMIN_TOKEN } from '../../src/mock/constants.ts';
import { startMockSynapse, type MockSynapse, type MockSynapseOptions } from '../../src/mock/server.ts';
import { started, startTestFacade, type TestFacade } from '../support/facade.ts';

/** What a route test sees of one answer. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Headers;
}

/** A facade in front of its own mock Synapse, both started once per test file. */
export interface FacadeOverMock {
  facade(): TestFacade;
  mock(): MockSynapse;
  /** GETs `path` through the facade as the mock's admin (`token: null` sends no token). */
  get(path: string, options?: { token?: string | null }): Promise<Answer>;
  /** The raw request targets that reached the mock since the last test started (admin-gate checks excluded). */
  upstreamUrls(): string[];
  /** The requests that reached the mock since the last test started (admin-gate checks excluded). */
  upstreamRequests(): MockSynapse['requests'];
  /** GETs `path` and asserts the facade answered this Matrix error itself: nothing reached the mock. */
  expectRefused(path: string, status: number, errcode: string, error: string, options?: { token?: string | null }): Promise<void>;
  /** GETs `path` without a token and asserts Synapse's 401 M_MISSING_TOKEN, with nothing sent to the mock. */
  expectMissingToken(path: string): Promise<void>;
}

/** The verified-admin gate's own lookups (whoami and the admin flag), which are not the request under test. */
export const isGateCheck = (url: string) =>
  url.startsWith('/_matrix/client/v3/account/whoami') || /^\/_synapse\/admin\/v1\/users\/[^/]+\/admin(?:\?|$)/.test(url);

/** Reads a fetch Response into an Answer (the body parsed when it is JSON). */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  const body = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: response.status, body, text, headers: response.headers };
}

/** GETs `baseUrl + path` with a bearer token unless `token` is null. */
export async function getAs(baseUrl: string, path: string, token: string | null = DEFAULT_ADMIN_TOKEN): Promise<Answer> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  return readAnswer(await fetch(`${baseUrl}${path}`, { headers }));
}

/** Starts the pair for the enclosing file and forgets recorded upstream requests before each test. */
export function useFacadeOverMock(
  mockOptions: MockSynapseOptions = {},
  facadeOverrides: Partial<ConfigInput> = {},
): FacadeOverMock {
  let mock: MockSynapse | undefined;
  let facade: TestFacade | undefined;
  beforeAll(async () => {
    mock = await startMockSynapse(mockOptions);
    // Route tests look at every upstream request, so the shared cache is off unless a test turns it on.
    facade = await startTestFacade(mock.url, { cacheMaxBytes: 0, ...facadeOverrides });
  });
  afterAll(async () => {
    await facade?.close();
    await mock?.close();
  });
  beforeEach(() => mock?.reset());
  const get: FacadeOverMock['get'] = (path, { token = DEFAULT_ADMIN_TOKEN } = {}) => getAs(started(facade, 'facade over mock').url, path, token);
  const upstreamRequests = () => started(mock, 'mock').requests.filter((request) => !isGateCheck(request.url));
  const expectRefused: FacadeOverMock['expectRefused'] = async (path, status, errcode, error, options) => {
    expectMatrixError(await get(path, options), status, errcode, error);
    expect(upstreamRequests().map((request) => request.url)).toEqual([]);
  };
  return {
    facade: () => started(facade, 'facade over mock'),
    mock: () => started(mock, 'mock'),
    get,
    upstreamUrls: () => upstreamRequests().map((request) => request.url),
    upstreamRequests,
    expectRefused,
    expectMissingToken: (path) => expectRefused(path, 401, 'M_MISSING_TOKEN', 'Missing access token', { token: null }),
  };
}

/** Facades in front of a Synapse that cannot be reached or answers too late, both started once per test file. */
export interface FacadesOverFaults {
  /** In front of a closed port (127.0.0.1:9): every upstream call fails to connect. */
  orphan(): TestFacade;
  /** In front of {@link slowMock}, giving up on its headers after 100 ms. */
  slowFacade(): TestFacade;
  /** A mock Synapse that answers every request after 1 s. */
  slowMock(): MockSynapse;
}

/** Starts the unreachable and the too-slow Synapse, each behind its own facade, for the enclosing describe block. */
export function useFacadesOverFaults(): FacadesOverFaults {
  let slowMock: MockSynapse | undefined;
  let slowFacade: TestFacade | undefined;
  let orphan: TestFacade | undefined;
  beforeAll(async () => {
    slowMock = await startMockSynapse({ latencyMs: 1_000 });
    slowFacade = await startTestFacade(slowMock.url, { upstreamHeadersTimeoutMs: 100 });
    orphan = await startTestFacade('http://127.0.0.1:9');
  });
  afterAll(async () => {
    await Promise.all([slowFacade?.close(), orphan?.close()]);
    await slowMock?.close();
  });
  return {
    orphan: () => started(orphan, 'facade over a closed port'),
    slowFacade: () => started(slowFacade, 'facade over a slow mock'),
    slowMock: () => started(slowMock, 'slow mock'),
  };
}

/** Asserts a Matrix error answer with Synapse's CORS headers. */
export function expectMatrixError(answer: Answer, status: number, errcode: string, error: string): void {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: { errcode, error } });
  expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  expect(answer.headers.get('content-type')).toBe('application/json');
}

/** The query pairs of a raw request target, decoded once (as Twisted would), in order. */
export function queryOf(target: string): Array<[string, string]> {
  const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  if (query === '') return [];
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    // As Twisted reads it: `+` is a space.
    return [decodeURIComponent(pair.slice(0, eq).replaceAll('+', ' ')), decodeURIComponent(pair.slice(eq + 1).replaceAll('+', ' '))];
  });
}

export const enc = encodeURIComponent;
export const ROOMS = '/_synapse/admin/v1/rooms';
export const DESTINATIONS = '/_synapse/admin/v1/federation/destinations';
