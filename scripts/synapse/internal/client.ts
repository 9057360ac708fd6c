// A per-user view of the client API for seeding: create rooms, change membership, send events.
import { matrixRequest } from './matrix.ts';

let transactionCounter = 0;

/** Unique transaction IDs for PUT /send and /sendToDevice within this process. */
export function nextTxnId(): string {
  transactionCounter += 1;
  return `seed-${Date.now()}-${transactionCounter}`;
}

const enc = encodeURIComponent;

/** Client API calls made as one user (the access token is sent with each request). */
export function clientFor(baseUrl: string, accessToken: string) {
  const call = <T>(path: string, options: { method?: string; body?: unknown } = {}) =>
    matrixRequest<T>(baseUrl, `/_matrix/client/v3${path}`, { accessToken, ...options });
  return {
    createRoom: async (body: Record<string, unknown>) => (await call<{ room_id: string }>('/createRoom', { body })).room_id,
    join: (roomIdOrAlias: string) => call(`/join/${enc(roomIdOrAlias)}`, { body: {} }),
    knock: (roomId: string, reason: string) => call(`/knock/${enc(roomId)}`, { body: { reason } }),
    leave: (roomId: string) => call(`/rooms/${enc(roomId)}/leave`, { body: {} }),
    invite: (roomId: string, userId: string) => call(`/rooms/${enc(roomId)}/invite`, { body: { user_id: userId } }),
    putAlias: (alias: string, roomId: string) => call(`/directory/room/${enc(alias)}`, { method: 'PUT', body: { room_id: roomId } }),
    sendState: async (roomId: string, type: string, content: Record<string, unknown>, stateKey = '') =>
      (await call<{ event_id: string }>(`/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { method: 'PUT', body: content })).event_id,
    sendMessage: async (roomId: string, body: string) =>
      (await call<{ event_id: string }>(`/rooms/${enc(roomId)}/send/m.room.message/${nextTxnId()}`, {
        method: 'PUT',
        body: { msgtype: 'm.text', body },
      })).event_id,
    getEvent: (roomId: string, eventId: string) =>
      call<{ event_id: string; origin_server_ts: number }>(`/rooms/${enc(roomId)}/event/${enc(eventId)}`),
    sendToDevice: (eventType: string, messages: Record<string, Record<string, unknown>>) =>
      call(`/sendToDevice/${enc(eventType)}/${nextTxnId()}`, { method: 'PUT', body: { messages } }),
  };
}

export type SeedClient = ReturnType<typeof clientFor>;
