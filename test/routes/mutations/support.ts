// Helpers for mutation tests: send any method with a raw body through the facade, find audit lines.
import { DEFAULT_ADMIN_TOKEN } from '../../../src/mock/constants.ts';
import type { TestFacade } from '../../support/facade.ts';
import { readAnswer, type Answer } from '../support.ts';

/** Sends `method path` with `body` (a string sent as is, or a value sent as JSON) as the admin. */
export async function sendAs(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = DEFAULT_ADMIN_TOKEN,
): Promise<Answer> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (text !== undefined) headers['content-type'] = 'application/json';
  return readAnswer(await fetch(`${baseUrl}${path}`, { method, headers, body: text }));
}

/** The parsed audit lines the facade logged. */
export function auditLines(facade: TestFacade): Array<Record<string, unknown>> {
  return facade.logLines
    .map((line) => JSON.parse(line) as { audit?: Record<string, unknown> })
    .filter((line) => line.audit !== undefined)
    .map((line) => line.audit!);
}
