// Query parsing for the read routes with every value of a repeated key, as Synapse's string helpers see them.
// Synapse: synapse/http/servlet.py parse_strings_from_args (decodes and checks every value, returns the first)
import { z } from 'zod';
import type { QueryArgs } from '../src/internal/query.ts';
import { parseOrThrow } from '../src/pipeline/validate.ts';
import { everyValueOf } from './query-params.ts';

/**
 * Like pipeline/validate.ts `queryParser`, but each key gets all its raw values, so `order_by=name&order_by=x`
 * is rejected as Synapse rejects it. Checks run in the shape's order (Synapse's order).
 */
export function allValuesQueryParser<Shape extends z.ZodRawShape>(shape: Shape) {
  const schema = z.object(shape);
  const names = Object.keys(shape);
  return (args: QueryArgs): z.output<typeof schema> => parseOrThrow(schema, everyValueOf(args, names));
}
