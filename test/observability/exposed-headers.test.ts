// Browser clients can read the facade's own headers (X-Facade-Cache, X-Facade-Source, X-Request-Id) next to Synapse's exposed
// ones, on the facade's answers and on passed-through answers alike.
import { describe, expect, it } from 'vitest';
import { replyJson } from '../support/fake-upstream.ts';
import { bearer } from '../support/facade.ts';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';

const { facade, upstream } = useFacadeOverFake();
const FACADE_LIST = 'Synapse-Trace-Id, Server, X-Facade-Cache, X-Facade-Source, X-Request-Id';

describe('issue 10 #10: browser clients cannot read X-Facade-Cache or X-Request-Id', () => {
  it("the facade's own answers expose Synapse's list plus both headers", async () => {
    upstream().handle((_seen, response) => replyJson(response, 200, { members: ['@a:hs'], total: 1 }));
    const owned = await fetch(`${facade().url}/_synapse/admin/v1/rooms/!a:hs/members`, { headers: bearer('t') });
    const refused = await fetch(`${facade().url}/_synapse/admin/v1/rooms?limit=x`, { headers: bearer('t') });
    const preflight = await fetch(`${facade().url}/_synapse/admin/v1/rooms`, { method: 'OPTIONS' });
    for (const answer of [owned, refused, preflight]) {
      expect(answer.headers.get('access-control-expose-headers')).toBe(FACADE_LIST);
    }
    expect(owned.headers.get('x-request-id')).toBeTruthy();
  });

  it("pass-through appends both to Synapse's own value, keeps Synapse's other CORS headers, never twice", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'access-control-expose-headers': 'Synapse-Trace-Id, Server' }, FACADE_LIST],
      // Synapse 1.163.2's rendezvous paths expose ETag and allow other request headers.
      [{ 'access-control-expose-headers': 'Synapse-Trace-Id, Server, ETag', 'access-control-allow-headers': 'Content-Type, If-Match, If-None-Match' }, 'Synapse-Trace-Id, Server, ETag, X-Facade-Cache, X-Facade-Source, X-Request-Id'],
      [{ 'access-control-expose-headers': 'x-request-id, Server' }, 'x-request-id, Server, X-Facade-Cache, X-Facade-Source'],
      // No CORS headers from upstream at all: the facade's defaults.
      [{}, FACADE_LIST],
    ];
    for (const [sent, exposed] of cases) {
      upstream().handle((_seen, response) => replyJson(response, 200, { ok: true }, sent));
      const answer = await fetch(`${facade().url}/_matrix/client/unstable/org.matrix.msc4108/rendezvous`);
      expect(answer.headers.get('access-control-expose-headers')).toBe(exposed);
      expect(answer.headers.get('access-control-allow-headers')).toBe(sent['access-control-allow-headers'] ?? 'X-Requested-With, Content-Type, Authorization, Date');
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    }
  });
});
