// The facade's own namespace is /_facade/ on the raw path: an unknown path in it is Synapse's 404 shape and goes
// nowhere; a path that only decodes to it is a Synapse path, passed through like any other.
import { describe, expect, it } from 'vitest';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';
import { rawExchange } from '../support/raw-exchange.ts';

const { facade, upstream } = useFacadeOverFake();

describe('the /_facade namespace', () => {
  it('an unknown /_facade path → 404 M_UNRECOGNIZED with CORS, nothing sent to Synapse', async () => {
    const response = await fetch(`${facade().url}/_facade/no-such-endpoint`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(upstream().requests).toEqual([]);
  });

  it('a percent-encoded /_facade is a Synapse path: passed through, raw', async () => {
    const response = await fetch(`${facade().url}/%5Ffacade/health`);
    expect(response.status).toBe(200);
    expect(upstream().requests.map((request) => request.url)).toEqual(['/%5Ffacade/health']);
  });

  it('/_facadeX is a Synapse path too; an absolute-form /_facade target reaches the facade', async () => {
    await fetch(`${facade().url}/_facadeX`);
    expect(upstream().requests.map((request) => request.url)).toEqual(['/_facadeX']);
    const answer = await rawExchange(facade().url, 'GET http://facade.example/_facade/health HTTP/1.1\r\nHost: facade.example\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(upstream().requests).toHaveLength(1);
  });
});
