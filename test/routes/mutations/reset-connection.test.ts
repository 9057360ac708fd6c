// POST reset_connection through the facade: no body needed, Synapse's answers passed through.
import { describe, expect, it } from 'vitest';
import { FAILING_DESTINATION, HEALTHY_DESTINATION } from '../../../src/mock/fixtures.ts';
import { DESTINATIONS, enc, expectMatrixError, readAnswer, useFacadeOverMock } from '../support.ts';
import { auditLines } from './support.ts';

const pair = useFacadeOverMock();

/** As the admin UIs send it: no body and no Content-Type. */
const reset = async (destination: string, body?: string) =>
  readAnswer(
    await fetch(`${pair.facade().url}${DESTINATIONS}/${enc(destination)}/reset_connection`, {
      method: 'POST',
      headers: { authorization: 'Bearer mock-admin-token' },
      body,
    }),
  );

describe('POST reset_connection', () => {
  it('resets a failing destination once, then Synapse says it does not need it', async () => {
    expect(await reset(FAILING_DESTINATION)).toMatchObject({ status: 200, body: {} });
    const details = await pair.get(`${DESTINATIONS}/${enc(FAILING_DESTINATION)}`);
    expect(details.body).toMatchObject({ retry_last_ts: 0, retry_interval: 0, failure_ts: null });
    expectMatrixError(await reset(FAILING_DESTINATION), 400, 'M_UNKNOWN', 'The retry timing does not need to be reset for this destination.');
    expect(auditLines(pair.facade()).at(-1)).toMatchObject({ destination: FAILING_DESTINATION, upstream_status: 400 });
  });

  it('ignores any body, even invalid JSON, as Synapse does, and does not forward it', async () => {
    const answer = await reset(HEALTHY_DESTINATION, 'not json at all');
    expectMatrixError(answer, 400, 'M_UNKNOWN', 'The retry timing does not need to be reset for this destination.');
    expect(pair.upstreamRequests()[0]!.body).toBe('');
  });

  it('passes 404 Unknown destination through', async () => {
    expectMatrixError(await reset('nowhere.example'), 404, 'M_NOT_FOUND', 'Unknown destination');
  });
});
