// Pre-existing delete tasks of the data set: complete, failed, and a plain purge with shutdown_room null.
import type { DeleteTask } from './types.ts';
import { ADMIN_USER_ID, DATA_EPOCH_MS } from '../constants.ts';
import * as F from '../fixtures.ts';

export function buildDeleteTasks(): DeleteTask[] {
  const settled = { request: null, activeAt: null, finishAt: null } as const;
  return [
    {
      deleteId: F.COMPLETE_DELETE_ID, roomId: F.COMPLETE_DELETE_ROOM_ID, action: 'shutdown_and_purge_room', status: 'complete',
      timestamp: DATA_EPOCH_MS - 3_600_000,
      shutdownRoom: { kicked_users: [ADMIN_USER_ID, '@user3:mock.example'], failed_to_kick_users: [], local_aliases: ['#purged:mock.example'], new_room_id: null },
      ...settled,
    },
    {
      deleteId: F.FAILED_DELETE_ID, roomId: F.FAILED_DELETE_ROOM_ID, action: 'shutdown_and_purge_room', status: 'failed',
      timestamp: DATA_EPOCH_MS - 1_800_000,
      shutdownRoom: { kicked_users: ['@user4:mock.example'], failed_to_kick_users: [], local_aliases: [], new_room_id: null },
      ...settled,
    },
    {
      deleteId: F.NULL_SHUTDOWN_DELETE_ID, roomId: F.NULL_SHUTDOWN_DELETE_ROOM_ID, action: 'purge_room', status: 'complete',
      timestamp: DATA_EPOCH_MS - 900_000, shutdownRoom: null, ...settled,
    },
  ];
}
