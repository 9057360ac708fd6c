// Every route the facade owns, in Synapse's registration order (first match wins, as in Synapse).
// Synapse: synapse/rest/admin/__init__.py register_servlets
import type { OwnedRoute } from '../pipeline/owned-route.ts';
import { destinationDetailsRoute } from './federation/destination-details.ts';
import { destinationRoomsRoute } from './federation/destination-rooms.ts';
import { destinationsListRoute } from './federation/destinations-list.ts';
import { deleteStatusByIdRoute, deleteStatusByRoomRoute } from './rooms/delete-status.ts';
import { eventContextRoute } from './rooms/event-context.ts';
import { forwardExtremitiesRoute } from './rooms/forward-extremities.ts';
import { roomBlockStatusRoute } from './rooms/room-block-status.ts';
import { roomDetailsRoute } from './rooms/room-details.ts';
import { roomMembersRoute } from './rooms/room-members.ts';
import { roomMessagesRoute } from './rooms/room-messages.ts';
import { roomStateRoute } from './rooms/room-state.ts';
import { roomsListRoute } from './rooms/rooms-list.ts';
import { timestampToEventRoute } from './rooms/timestamp-to-event.ts';
import { forwardExtremitiesDeleteRoute } from './rooms/forward-extremities-delete.ts';
import { makeRoomAdminRoute } from './rooms/make-room-admin.ts';
import { roomBlockRoute } from './rooms/room-block.ts';
import { roomDeleteRoute } from './rooms/room-delete.ts';
import { roomDeleteV2Route } from './rooms/room-delete-v2.ts';
import { resetConnectionRoute } from './federation/reset-connection.ts';

export const ownedRoutes: readonly OwnedRoute[] = [
  roomDetailsRoute,
  roomDeleteRoute,
  roomBlockStatusRoute,
  roomBlockRoute,
  roomsListRoute,
  roomStateRoute,
  roomDeleteV2Route,
  roomMembersRoute,
  deleteStatusByIdRoute,
  deleteStatusByRoomRoute,
  makeRoomAdminRoute,
  forwardExtremitiesRoute,
  forwardExtremitiesDeleteRoute,
  eventContextRoute,
  roomMessagesRoute,
  timestampToEventRoute,
  destinationsListRoute,
  destinationDetailsRoute,
  destinationRoomsRoute,
  resetConnectionRoute,
];
