// Room event endpoints: messages, timestamp_to_event and event context.
import { z } from 'zod';
import { rawInteger } from '../src/internal/exact-json.ts';
import { INT64_MAX, INT64_MIN, LIST_FIELDS, type ListField } from '../src/internal/synapse-filter.ts';
import { clientEvent, jsonInteger } from './common.ts';
import { direction, synapseInteger, synapseJson, synapseString } from './query-params.ts';
import { STREAM_TOKEN_NOTE, streamTokenPattern } from './stream-token.ts';

/** Synapse's cap on messages `limit`. Synapse: synapse/streams/config.py MAX_LIMIT */
export const MESSAGES_MAX_LIMIT = 1000n;

type JsonSchema = Record<string, unknown>;

/** A JSON integer literal outside int64: Python keeps it exact and SQLite cannot bind it (written exactly: raw JSON). */
const OUTSIDE_INT64 = { type: 'integer', anyOf: [{ minimum: rawInteger(INT64_MAX + 1n) }, { exclusiveMaximum: rawInteger(INT64_MIN) }] };
/** What Python's sqlite3 binds: None, bool, int64, float, str. */
const BINDABLE = { type: ['null', 'boolean', 'number', 'string'], not: OUTSIDE_INT64 };
const ITEMS: Readonly<Record<ListField['items'], JsonSchema>> = { string: { type: 'string' }, bindable: BINDABLE, any: {} };
/** Python falsy values; `""`, `[]` and `{}` are falsy too, and iterable anyway. */
const FALSY = { enum: [0, false, null] };

/** A list field: what Python can iterate (a string gives its characters, an object its keys), with fitting items. */
function listFieldSchema({ iterated, items }: ListField): JsonSchema {
  const iterable = { anyOf: [{ type: ['string', 'object'] }, { type: 'array', items: ITEMS[items] }] };
  if (iterated === 'always') return iterable;
  return { anyOf: [iterated === 'unless-null' ? { type: 'null' } : FALSY, iterable] };
}

/**
 * The `filter` the facade accepts (src/internal/synapse-filter.ts, src/pipeline/synapse-crashes.ts): an event filter
 * object whose list fields Synapse can iterate, match and bind, and whose truthy `contains_url` it can bind; or a
 * falsy non-object, which Synapse takes as no filter. Other fields are left to Synapse, which ignores unknown ones.
 * One gap: a float with no fraction outside int64 (`1e19`) is an integer to JSON Schema, so left out, though accepted.
 */
const EVENT_FILTER_SCHEMA: JsonSchema = {
  anyOf: [
    {
      type: 'object',
      properties: {
        ...Object.fromEntries(Object.entries(LIST_FIELDS).map(([field, use]) => [field, listFieldSchema(use)])),
        contains_url: { anyOf: [BINDABLE, { type: ['array', 'object'], maxItems: 0, maxProperties: 0 }] },
      },
    },
    { enum: [0, false, null, '', []] },
  ],
};

/** `filter` of messages and context. */
const eventFilter = () =>
  synapseJson('filter', {
    schema: EVENT_FILTER_SCHEMA,
    note: 'An event filter object; a falsy non-object (`0`, `false`, `null`, `""`, `[]`) means no filter, as in Synapse.',
  });

/**
 * GET …/messages, in PaginationConfig.from_request's order: dir → from → to → limit, then filter.
 * Token structure is checked by the route (the error is a plain 400 M_UNKNOWN).
 */
export const roomMessagesQuery = {
  dir: direction,
  from: synapseString('from', { pattern: streamTokenPattern('from'), note: `${STREAM_TOKEN_NOTE} \`END\` is no token too.` }),
  to: synapseString('to', { pattern: streamTokenPattern('to'), note: STREAM_TOKEN_NOTE }),
  limit: synapseInteger('limit', { defaultValue: 10n }),
  filter: eventFilter(),
};

export const roomMessages = z.looseObject({
  chunk: z.array(clientEvent),
  start: z.string(),
  end: z.string().optional(),
  state: z.array(clientEvent).optional(),
});

/** GET …/timestamp_to_event: ts (required) → dir. */
export const timestampToEventQuery = {
  ts: synapseInteger('ts', { required: true }),
  dir: direction,
};

export const timestampToEvent = z.looseObject({ event_id: z.string(), origin_server_ts: jsonInteger });

/** GET …/context/{event_id}: limit → filter. */
export const eventContextQuery = {
  limit: synapseInteger('limit', { defaultValue: 10n }),
  filter: eventFilter(),
};

export const eventContext = z.looseObject({
  events_before: z.array(clientEvent),
  event: clientEvent,
  events_after: z.array(clientEvent),
  state: z.array(clientEvent),
  start: z.string().nullable().optional(),
  end: z.string().nullable().optional(),
});

/** Event context as the facade answers it: `start`/`end` always present, null when Synapse left them out. */
export const eventContextOut = eventContext.extend({
  start: z.string().nullable(),
  end: z.string().nullable(),
});
