// Shapes of the mock's in-memory tables (the subset of Synapse's database the admin APIs read).

/** A persisted event; rendered to client format on the way out. */
export interface StoredEvent {
  eventId: string;
  roomId: string;
  type: string;
  stateKey?: string;
  sender: string;
  content: Record<string, unknown>;
  originServerTs: number;
  streamOrdering: number;
  depth: number;
}

/** A row of `event_forward_extremities` joined with its event. */
export interface ForwardExtremity {
  eventId: string;
  stateGroup: number;
  depth: number;
  receivedTs: number | null;
  streamOrdering: number;
}

/** A room plus its current state, timeline and bookkeeping. */
export interface RoomRecord {
  roomId: string;
  version: string;
  /** `rooms.creator`; `""` reproduces the Synapse bug of an empty creator. */
  creator: string | null;
  /** `rooms.is_public`: published in the room directory. */
  isPublic: boolean;
  /** Current state keyed by `type\u0000stateKey`. */
  state: Map<string, StoredEvent>;
  /** Every event of the room in stream order (state changes and messages). */
  timeline: StoredEvent[];
  forwardExtremities: ForwardExtremity[];
  localAliases: string[];
  /** Devices per joined local user (for `joined_local_devices`). */
  devicesPerLocalUser: number;
  forgotten: boolean;
  /** Render booleans as SQLite 0/1 integers. */
  sqliteBooleans: boolean;
  /** Pretend to be an older Synapse: omit fields added later. */
  legacyShape: boolean;
  /** Local users whose kick always fails during a shutdown. */
  unkickableUsers: string[];
  /** A v2 delete of this room always ends `failed`. */
  deleteAlwaysFails: boolean;
}

/** A row of `destinations`. */
export interface DestinationRecord {
  destination: string;
  retryLastTs: number | null;
  retryInterval: number | null;
  failureTs: number | null;
  lastSuccessfulStreamOrdering: number | null;
}

/** A row of `destination_rooms`. */
export interface DestinationRoom {
  roomId: string;
  streamOrdering: number;
}

export type DeleteStatus = 'scheduled' | 'active' | 'complete' | 'failed' | 'cancelled';

/** Result of a shutdown, as reported by the delete status APIs. */
export interface ShutdownResult {
  kicked_users: string[];
  failed_to_kick_users: string[];
  local_aliases: string[];
  new_room_id: string | null;
}

/** Options of a v2 delete, kept until the task runs. */
export interface DeleteRequest {
  block: boolean;
  purge: boolean;
  forcePurge: boolean;
  requesterUserId: string;
  newRoomUserId: string | null;
  roomName: string | null;
  message: string | null;
}

/** A row of `scheduled_tasks` for a room delete. */
export interface DeleteTask {
  deleteId: string;
  roomId: string;
  action: 'shutdown_and_purge_room' | 'purge_room';
  status: DeleteStatus;
  /** Time of the last status change (what Synapse orders by). */
  timestamp: number;
  shutdownRoom: ShutdownResult | null;
  request: DeleteRequest | null;
  /** Wall-clock times at which the task becomes active / finishes; null when already settled. */
  activeAt: number | null;
  finishAt: number | null;
}

export interface UserRecord {
  userId: string;
  password: string;
  admin: boolean;
  displayname: string;
}

export interface AccessToken {
  userId: string;
  deviceId: string;
  expired: boolean;
}
