// Federation admin API: list ordering/NULLs/next_token, details zeroing, destination rooms, reset_connection.
import { describe, it, expect } from 'vitest';
import { call, enc, useMockSynapse } from './support.ts';
import { FAILING_DESTINATION, HEALTHY_DESTINATION, STALE_FAILURE_DESTINATION } from '../../src/mock/fixtures.ts';

const mock = useMockSynapse();
type Row = { destination: string; failure_ts: number | null; retry_last_ts: number; retry_interval: number };
const BASE = '/_synapse/admin/v1/federation/destinations';
const list = async (query: string) => {
  const res = await call(mock(), 'GET', `${BASE}?${query}`);
  return { ...res, rows: (res.body.destinations ?? []) as Row[] };
};

describe('destinations list', () => {
  it('puts NULL failure_ts first ascending and last descending, tiebreak destination ASC both ways', async () => {
    const asc = (await list('order_by=failure_ts&limit=1000')).rows;
    expect(asc[0]?.failure_ts).toBeNull();
    const nullNames = asc.filter((row) => row.failure_ts === null).map((row) => row.destination);
    expect(nullNames).toEqual([...nullNames].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    const desc = (await list('order_by=failure_ts&dir=b&limit=1000')).rows;
    expect(desc.at(-1)?.failure_ts).toBeNull();
    expect(desc.filter((row) => row.failure_ts === null).map((row) => row.destination)).toEqual(nullNames);
  });

  it('gives next_token as a string, even with limit=0', async () => {
    expect((await list('limit=5')).body.next_token).toBe('5');
    expect((await list('from=3&limit=0')).body).toMatchObject({ destinations: [], next_token: '3' });
    const total = (await list('limit=1')).body.total as number;
    expect((await list(`from=${total - 1}&limit=5`)).body.next_token).toBeUndefined();
  });

  it('filters by a case-insensitive substring; an empty filter means none', async () => {
    const rows = (await list('destination=DEAD.example')).rows.map((row) => row.destination);
    expect(rows).toEqual([FAILING_DESTINATION]);
    expect((await list('destination=&limit=1')).body.total).toBe((await list('limit=1')).body.total);
  });

  it('reports raw failure_ts and retry_interval in the list', async () => {
    const [row] = (await list(`destination=${STALE_FAILURE_DESTINATION}`)).rows;
    expect(row).toMatchObject({ retry_last_ts: 0, retry_interval: 300000 });
    expect(row?.failure_ts).toEqual(expect.any(Number));
  });

  it('validates order_by with the allowed values in order', async () => {
    expect((await list('order_by=x')).body.error).toBe("Query parameter 'order_by' must be one of ['destination', 'retry_last_ts', 'retry_interval', 'failure_ts', 'last_successful_stream_ordering']");
    expect((await list('dir=x')).body.error).toBe("Query parameter 'dir' must be one of ['b', 'f']");
    // Synapse: parse_strings_from_args checks every value of a repeated key, not just the first.
    const repeated = await list('order_by=destination&order_by=x');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toMatch(/^Query parameter 'order_by' must be one of \['destination', /);
  });
});

describe('destination details and rooms', () => {
  it('zeroes timings in details when retry_last_ts is 0', async () => {
    const res = await call(mock(), 'GET', `${BASE}/${STALE_FAILURE_DESTINATION}`);
    expect(res.body).toMatchObject({ retry_last_ts: 0, retry_interval: 0, failure_ts: null, last_successful_stream_ordering: 900 });
  });

  it('decodes the destination from the raw path', async () => {
    const res = await call(mock(), 'GET', `${BASE}/${enc(FAILING_DESTINATION)}`);
    expect(res.body).toMatchObject({ destination: FAILING_DESTINATION, retry_interval: 600000 });
  });

  it('answers 404 Unknown destination before checking params', async () => {
    const res = await call(mock(), 'GET', `${BASE}/nowhere.example/rooms?limit=-5`);
    expect(res).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND', error: 'Unknown destination' } });
    expect((await call(mock(), 'GET', `${BASE}/${HEALTHY_DESTINATION}/rooms?limit=-5`)).status).toBe(400);
  });

  it('lists rooms of a destination ordered by room_id with total = room count', async () => {
    const res = await call(mock(), 'GET', `${BASE}/${HEALTHY_DESTINATION}/rooms?limit=10&dir=b`);
    const ids = (res.body.rooms as Array<{ room_id: string }>).map((row) => row.room_id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(res.body).toMatchObject({ total: 25, next_token: '10' });
  });
});

describe('reset_connection', () => {
  it('refuses healthy destinations, resets failing ones once', async () => {
    const healthy = await call(mock(), 'POST', `${BASE}/${HEALTHY_DESTINATION}/reset_connection`);
    expect(healthy.body).toEqual({ errcode: 'M_UNKNOWN', error: 'The retry timing does not need to be reset for this destination.' });
    const first = await call(mock(), 'POST', `${BASE}/${enc(FAILING_DESTINATION)}/reset_connection`, { body: 'not json' });
    expect(first).toMatchObject({ status: 200, body: {} });
    const details = await call(mock(), 'GET', `${BASE}/${enc(FAILING_DESTINATION)}`);
    expect(details.body).toMatchObject({ retry_last_ts: 0, retry_interval: 0, failure_ts: null });
    expect((await call(mock(), 'POST', `${BASE}/${enc(FAILING_DESTINATION)}/reset_connection`)).status).toBe(400);
  });

  it('has no route for an empty destination', async () => {
    expect((await call(mock(), 'POST', `${BASE}//reset_connection`)).body.errcode).toBe('M_UNRECOGNIZED');
  });
});
