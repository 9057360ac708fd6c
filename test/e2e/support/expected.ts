// The documented normalisation, restated independently of src/normalise: what the facade must make of
// Synapse's 200 body. Each function takes Synapse's parsed body and returns the body the facade must send.

/** A JSON object as Synapse sends it. */
export type Json = Record<string, unknown>;

/** Maps Synapse's body to the expected facade body. */
export type Expectation = (synapseBody: Json) => Json;

const orNull = (value: unknown) => (value === undefined ? null : value);
const asBoolean = (value: unknown) => value === true || value === 1;
const asBooleanOrNull = (value: unknown) => (value === undefined || value === null ? null : asBoolean(value));

const ROOM_STRING_FIELDS = [
  'name', 'canonical_alias', 'joined_members', 'joined_local_members', 'version', 'encryption',
  'join_rules', 'guest_access', 'history_visibility', 'state_events', 'room_type',
] as const;

/** Body unchanged: the endpoint has nothing to normalise. */
export const unchanged: Expectation = (body) => body;

/** One room of the list: every documented field, SQLite 0/1 as booleans, `creator: ""` as null. */
export function room(item: Json): Json {
  const out: Json = { ...item };
  for (const field of ROOM_STRING_FIELDS) out[field] = orNull(item[field]);
  out.creator = item.creator === '' || item.creator === undefined ? null : item.creator;
  out.federatable = asBoolean(item.federatable);
  out.public = asBoolean(item.public);
  return out;
}

/** Room details: the list fields plus topic, avatar, devices, forgotten, tombstoned, replacement_room. */
export const roomDetails: Expectation = (body) => ({
  ...room(body),
  topic: orNull(body.topic),
  avatar: orNull(body.avatar),
  joined_local_devices: orNull(body.joined_local_devices),
  forgotten: asBooleanOrNull(body.forgotten),
  tombstoned: asBooleanOrNull(body.tombstoned),
  replacement_room: orNull(body.replacement_room),
});

/** Rooms list: rooms normalised; `next_token` = String(next_batch); a next_batch that does not advance is dropped. */
export const roomList: Expectation = (body) => {
  const { next_batch: nextBatch, ...rest } = body;
  const out: Json = { ...rest, rooms: (body.rooms as Json[]).map(room) };
  if (typeof nextBatch === 'number' && nextBatch > (body.offset as number)) {
    out.next_batch = nextBatch;
    out.next_token = String(nextBatch);
  }
  return out;
};

/** A destination with its five documented fields (retry columns default to 0). */
export function destination(item: Json): Json {
  return {
    ...item,
    retry_last_ts: item.retry_last_ts ?? 0,
    retry_interval: item.retry_interval ?? 0,
    failure_ts: orNull(item.failure_ts),
    last_successful_stream_ordering: orNull(item.last_successful_stream_ordering),
  };
}

/** Federation lists: a `next_token` that does not move past `from` is dropped. */
function pagedByToken(listKey: 'destinations' | 'rooms', from: number, mapItem: (item: Json) => Json): Expectation {
  return (body) => {
    const { next_token: nextToken, ...rest } = body;
    const out: Json = { ...rest, [listKey]: (body[listKey] as Json[]).map(mapItem) };
    if (typeof nextToken === 'string' && Number(nextToken) > from) out.next_token = nextToken;
    return out;
  };
}

export const destinationList = (from: number) => pagedByToken('destinations', from, destination);
export const destinationRooms = (from: number) => pagedByToken('rooms', from, (item) => item);
export const destinationDetails: Expectation = (body) => destination(body);

/** Block status: `user_id` null when the room is not blocked. */
export const blockStatus: Expectation = (body) => ({ ...body, user_id: orNull(body.user_id) });

/** Event context: `start`/`end` null when absent. */
export const eventContext: Expectation = (body) => ({ ...body, start: orNull(body.start), end: orNull(body.end) });

const LEGACY_ACTIVE = ['shutting_down', 'purging'];

/**
 * A delete task with its four keys; legacy running statuses reported as `active`. A key the release left out is
 * taken from the request path when it names it (`known`), else null.
 */
export function deleteTask(task: Json, known: { deleteId?: string; roomId?: string } = {}): Json {
  return {
    ...task,
    delete_id: task.delete_id ?? known.deleteId ?? null,
    room_id: task.room_id ?? known.roomId ?? null,
    status: LEGACY_ACTIVE.includes(task.status as string) ? 'active' : task.status,
    shutdown_room: orNull(task.shutdown_room),
  };
}

/** GET /v2/rooms/delete_status/<deleteId>. */
export const deleteTaskById = (deleteId: string): Expectation => (body) => deleteTask(body, { deleteId });

/** GET /v2/rooms/<roomId>/delete_status. */
export const deleteTasksOfRoom = (roomId: string): Expectation => (body) => ({
  ...body,
  results: (body.results as Json[]).map((task) => deleteTask(task, { roomId })),
});
