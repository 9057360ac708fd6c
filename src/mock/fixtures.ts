// Named rooms, destinations and delete tasks of the mock data set that tests can rely on (stable for every seed).

/** 250 joined members (40 local), 3 forward extremities, alias `#lobby:mock.example`, many messages. */
export const BIG_ROOM_ID = '!lobbyBigRoomAAAAAA:mock.example';
export const BIG_ROOM_ALIAS = '#lobby:mock.example';
/** No joined members at all (joined_members 0). */
export const EMPTY_ROOM_ID = '!emptyRoomBBBBBBBBB:mock.example';
/** Has members but no forward extremities (DELETE forward_extremities → 500). */
export const NO_EXTREMITIES_ROOM_ID = '!noExtremitiesCCCCC:mock.example';
/** A space (`room_type: "m.space"`). */
export const SPACE_ROOM_ID = '!spaceRoomDDDDDDDDD:mock.example';
/** A version-12 room with a domainless ID. */
export const V12_ROOM_ID = '!Vv12RoomIdentifierWithFortyThreeChars_abc-1';
/** Tombstoned room; its replacement is REPLACEMENT_ROOM_ID. */
export const TOMBSTONED_ROOM_ID = '!oldTombstonedEEEEE:mock.example';
export const REPLACEMENT_ROOM_ID = '!newReplacementFFFF:mock.example';
/** Details look like an older Synapse (no room_type/forgotten/tombstoned/replacement_room/joined_local_devices). */
export const LEGACY_ROOM_ID = '!legacyShapeGGGGGGG:mock.example';
/** A v2 delete of this room always ends `failed`. */
export const FAILING_DELETE_ROOM_ID = '!failingDeleteHHHHH:mock.example';
/** A local member cannot be kicked, so a purge without force_purge fails with "Users are still joined". */
export const STUCK_MEMBER_ROOM_ID = '!stuckMemberIIIIIII:mock.example';
export const STUCK_USER_ID = '@stuck:mock.example';
/** Only remote members: make_room_admin → "Server not in room". */
export const REMOTE_ONLY_ROOM_ID = '!remoteOnlyJJJJJJJJ:mock.example';
/** Local joined member without power level entry: make_room_admin → "No local admin user in room". */
export const NO_LOCAL_ADMIN_ROOM_ID = '!noLocalAdminKKKKKK:mock.example';
/** `rooms.creator` is `""` (Synapse bug). */
export const EMPTY_CREATOR_ROOM_ID = '!emptyCreatorLLLLLL:mock.example';
/** Not federatable (`m.federate: false`), invite-only, encrypted. */
export const LOCAL_ONLY_ROOM_ID = '!localOnlyMMMMMMMMM:mock.example';

/** Healthy destination: retry_last_ts 0, failure_ts null. */
export const HEALTHY_DESTINATION = 'healthy.example.org';
/** Failing destination with retry timings (reset_connection works once). */
export const FAILING_DESTINATION = 'dead.example:8448';
/** Never reached: last_successful_stream_ordering null, failing. */
export const NEVER_REACHED_DESTINATION = 'unreachable.example.net';
/** DB has failure_ts and retry_interval but retry_last_ts 0: details zero/null them, the list does not. */
export const STALE_FAILURE_DESTINATION = 'stale-failure.example.com';

/** A completed v2 delete (room already purged). */
export const COMPLETE_DELETE_ID = 'CompleteDeleteAa';
export const COMPLETE_DELETE_ROOM_ID = '!purgedRoomNNNNNNNN:mock.example';
/** A failed v2 delete. */
export const FAILED_DELETE_ID = 'FailedDeleteBbbb';
export const FAILED_DELETE_ROOM_ID = '!failedPurgeOOOOOOO:mock.example';
/** A plain purge_room task: shutdown_room is null. */
export const NULL_SHUTDOWN_DELETE_ID = 'PurgeOnlyCcccccc';
export const NULL_SHUTDOWN_DELETE_ROOM_ID = '!forgottenPurgePPPP:mock.example';

/** Number of generated rooms in addition to the named ones above. */
export const GENERATED_ROOM_COUNT = 150;
/** Number of generated destinations in addition to the named ones above. */
export const GENERATED_DESTINATION_COUNT = 40;
