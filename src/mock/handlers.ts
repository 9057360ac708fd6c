// Assembles the mock's msw handlers for one state: CORS preflight, every servlet, then Synapse's 404/405.
import { http } from 'msw';
import type { HttpHandler } from 'msw';
import type { MockState } from './data.ts';
import type { Route } from './internal/route.ts';
import { routeHandler, unrecognizedHandler } from './internal/route.ts';
import { CORS_HEADERS } from './internal/respond.ts';
import { SYNAPSE_VERSION } from './constants.ts';
import { listDestinationsRoute } from './handlers/federation-destinations.ts';
import { destinationDetailsRoute, destinationRoomsRoute, resetConnectionRoute } from './handlers/federation-destination.ts';
import { listRoomsRoute } from './handlers/room-list.ts';
import { roomDetailsRoute, roomMembersRoute, roomStateRoute } from './handlers/room-details.ts';
import { roomMessagesRoute, timestampToEventRoute } from './handlers/room-messages.ts';
import { roomContextRoute } from './handlers/room-context.ts';
import { getBlockRoute, putBlockRoute } from './handlers/room-block.ts';
import { deleteForwardExtremitiesRoute, getForwardExtremitiesRoute } from './handlers/forward-extremities.ts';
import { makeRoomAdminRoute } from './handlers/make-room-admin.ts';
import { deleteRoomV1Route, deleteRoomV2Route } from './handlers/room-delete.ts';
import { deleteStatusByIdRoute, deleteStatusByRoomRoute } from './handlers/delete-status.ts';
import { clientVersionsRoute, loginFlowsRoute, logoutAllRoute, logoutRoute, passwordLoginRoute, whoamiRoute } from './handlers/client-login.ts';
import { adminUserRoute, healthRoute, serverVersionRoute, setUserAdminFlagRoute, userAdminFlagRoute } from './handlers/server-info.ts';

/** Every servlet the mock serves, in Synapse's registration order where it matters. */
export const MOCK_ROUTES: readonly Route[] = [
  healthRoute, serverVersionRoute, clientVersionsRoute, loginFlowsRoute, passwordLoginRoute, whoamiRoute, logoutRoute, logoutAllRoute,
  adminUserRoute,
  userAdminFlagRoute, setUserAdminFlagRoute,
  listDestinationsRoute, destinationDetailsRoute, destinationRoomsRoute, resetConnectionRoute,
  listRoomsRoute, roomDetailsRoute, deleteRoomV1Route, roomMembersRoute, roomStateRoute, roomMessagesRoute,
  timestampToEventRoute, roomContextRoute, getBlockRoute, putBlockRoute, getForwardExtremitiesRoute,
  deleteForwardExtremitiesRoute, makeRoomAdminRoute, deleteRoomV2Route,
  // Synapse registers the by-delete-ID servlet first, so `/delete_status/delete_status` is a delete ID.
  deleteStatusByIdRoute, deleteStatusByRoomRoute,
];

/** Synapse answers any OPTIONS itself: 204 with CORS headers, no auth. */
const preflightHandler = (): HttpHandler => http.options('*', () =>
  new Response(null, { status: 204, headers: { ...CORS_HEADERS, Server: `Synapse/${SYNAPSE_VERSION}`, 'Content-Length': '0' } }));

/** msw handlers bound to `state`; usable with `getResponse` or msw's `setupServer`. */
export function createMockHandlers(state: MockState): HttpHandler[] {
  return [preflightHandler(), ...MOCK_ROUTES.map((route) => routeHandler(state, route)), unrecognizedHandler(MOCK_ROUTES)];
}
