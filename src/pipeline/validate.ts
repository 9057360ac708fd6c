// Runs a request schema and turns its first failing check into Synapse's Matrix error.
import { z } from 'zod';
import { FacadeError } from '../errors.ts';
import type { QueryArgs } from '../internal/query.ts';
import type { MatrixIssueParams } from '../../schemas/matrix-issue.ts';
import { everyValueOf } from '../../schemas/query-params.ts';

/**
 * Parses `input` with `schema`; on failure throws the FacadeError of the first issue, which is the first
 * check Synapse would make, since schemas list their keys in Synapse's order.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const params = (issue as { params?: MatrixIssueParams }).params;
  throw new FacadeError(params?.status ?? 400, params?.errcode ?? 'M_INVALID_PARAM', issue.message);
}

/**
 * Builds a query-schema parser: each key gets all its raw values (Synapse's integer and boolean helpers
 * read the first, its string helpers check every one), checked in the shape's order (Synapse's order).
 */
export function queryParser<Shape extends z.ZodRawShape>(shape: Shape) {
  const schema = z.object(shape);
  const names = Object.keys(shape);
  return (args: QueryArgs): z.output<typeof schema> => parseOrThrow(schema, everyValueOf(args, names));
}
