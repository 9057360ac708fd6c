// Room event endpoints: messages, timestamp_to_event and event context.
import { z } from 'zod';
import { clientEvent, jsonInteger } from './common.ts';
import { direction, synapseInteger, synapseJson, synapseString } from './query-params.ts';

/** Synapse's cap on messages `limit`. Synapse: synapse/streams/config.py MAX_LIMIT */
export const MESSAGES_MAX_LIMIT = 1000n;

/**
 * GET …/messages, in PaginationConfig.from_request's order: dir → from → to → limit, then filter.
 * Token structure is checked by the route (the error is a plain 400 M_UNKNOWN).
 */
export const roomMessagesQuery = {
  dir: direction,
  from: synapseString('from'),
  to: synapseString('to'),
  limit: synapseInteger('limit', { defaultValue: 10n }),
  filter: synapseJson('filter'),
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
  filter: synapseJson('filter'),
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
