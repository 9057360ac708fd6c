// Federation admin API: request parameters (in Synapse's check order) and response contracts.
// Synapse: synapse/rest/admin/federation.py, synapse/storage/databases/main/transactions.py
import { z } from 'zod';
import { jsonInteger } from './common.ts';
import { direction, synapseInteger, synapseString } from './query-params.ts';

/** `order_by` values in Synapse's order (its error message lists them this way). */
export const DESTINATION_ORDER_BY = [
  'destination',
  'retry_last_ts',
  'retry_interval',
  'failure_ts',
  'last_successful_stream_ordering',
] as const;

/** GET /v1/federation/destinations: from → limit → destination → order_by → dir. */
export const destinationListQuery = {
  from: synapseInteger('from', { defaultValue: 0n }),
  limit: synapseInteger('limit', { defaultValue: 100n }),
  destination: synapseString('destination'),
  order_by: synapseString('order_by', { defaultValue: 'destination', allowedValues: DESTINATION_ORDER_BY }),
  dir: direction,
};

/** GET /v1/federation/destinations/{destination}/rooms: from → limit → dir (order_by is not read). */
export const destinationRoomsQuery = {
  from: synapseInteger('from', { defaultValue: 0n }),
  limit: synapseInteger('limit', { defaultValue: 100n }),
  dir: direction,
};

const timestamp = jsonInteger;

/** One destination as the list sends it (retry columns NULL → 0 by Synapse; failure_ts raw). */
export const destination = z.looseObject({
  destination: z.string(),
  retry_last_ts: timestamp.nullable().optional(),
  retry_interval: timestamp.nullable().optional(),
  failure_ts: timestamp.nullable().optional(),
  last_successful_stream_ordering: timestamp.nullable().optional(),
});

export const destinationList = z.looseObject({
  destinations: z.array(destination),
  total: jsonInteger,
  next_token: z.string().optional(),
});

export const destinationRooms = z.looseObject({
  rooms: z.array(z.looseObject({ room_id: z.string(), stream_ordering: jsonInteger })),
  total: jsonInteger,
  next_token: z.string().optional(),
});

/** A destination as the facade answers it: retry columns as numbers (Synapse's NULL → 0), the others null when unknown. */
export const destinationOut = z.looseObject({
  destination: z.string(),
  retry_last_ts: timestamp,
  retry_interval: timestamp,
  failure_ts: timestamp.nullable(),
  last_successful_stream_ordering: timestamp.nullable(),
});

/** The destinations list as the facade answers it; `next_token` only when it moves past this page. */
export const destinationListOut = z.looseObject({
  destinations: z.array(destinationOut),
  total: jsonInteger,
  next_token: z.string().optional(),
});

/** Same shape as Synapse's: the facade only drops a `next_token` that would not move past this page. */
export const destinationRoomsOut = destinationRooms;

export type DestinationList = z.infer<typeof destinationList>;
export type DestinationRooms = z.infer<typeof destinationRooms>;
export type Destination = z.infer<typeof destination>;
export type DestinationOut = z.infer<typeof destinationOut>;
export type DestinationListOut = z.infer<typeof destinationListOut>;
export type DestinationRoomsOut = z.infer<typeof destinationRoomsOut>;
