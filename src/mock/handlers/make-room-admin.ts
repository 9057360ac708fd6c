// POST /_synapse/admin/v1/rooms/<room_id_or_alias>/make_room_admin (Synapse: rest/admin/rooms.py MakeRoomAdminRestServlet).
import type { Route } from '../internal/route.ts';
import type { RoomRecord } from '../data/types.ts';
import { MatrixError } from '../internal/respond.ts';
import { readJsonObject } from '../internal/body.ts';
import { resolveRoomIdOrAlias } from '../internal/resolve-room.ts';
import { isMineId } from '../internal/ids.ts';
import { appendEvent, joinedMembers, membershipOf, stateContent } from '../data/events.ts';

const fail = (message: string): MatrixError => new MatrixError(400, 'M_UNKNOWN', message);

/** Local joined users with a power level; in v12 rooms local creators count with the top level. */
function localAdmins(room: RoomRecord, users: Record<string, unknown>): Array<[string, number]> {
  const creator = room.state.get('m.room.create\u0000')?.sender;
  return joinedMembers(room).filter(isMineId).flatMap((userId): Array<[string, number]> => {
    if (room.version === '12' && userId === creator) return [[userId, Number.MAX_SAFE_INTEGER]];
    const level = users[userId];
    return typeof level === 'number' ? [[userId, level]] : [];
  });
}

export const makeRoomAdminRoute: Route = {
  methods: ['POST'],
  pattern: /^\/_synapse\/admin\/v1\/rooms\/([^/]*)\/make_room_admin$/,
  auth: 'admin',
  async handle({ params, state, request, requester, nowMs }) {
    const body = await readJsonObject(request, true);
    const roomId = resolveRoomIdOrAlias(state, params[0] ?? '');
    const userId = typeof body.user_id === 'string' ? body.user_id : requester.userId;
    const room = state.rooms.get(roomId);
    // Seen on 1.160: a room no local user is joined to has no usable state → "Server not in room".
    if (room === undefined || !joinedMembers(room).some(isMineId)) throw fail('Server not in room');
    const powerLevels = stateContent(room, 'm.room.power_levels') ?? {};
    const users = (typeof powerLevels.users === 'object' && powerLevels.users !== null ? powerLevels.users : {}) as Record<string, unknown>;
    const [admin] = localAdmins(room, users).sort((a, b) => b[1] - a[1]);
    if (admin === undefined) throw fail('No local admin user in room');
    const [adminId, adminLevel] = admin;
    const events = (powerLevels.events ?? {}) as Record<string, unknown>;
    const needed = Number(events['m.room.power_levels'] ?? powerLevels.state_default ?? 50);
    if (adminLevel < needed) throw fail('No local admin user in room with power to update power levels.');
    const grantedLevel = adminLevel === Number.MAX_SAFE_INTEGER ? 100 : adminLevel;
    if (users[userId] !== grantedLevel) {
      const content = { ...powerLevels, users: { ...users, [userId]: grantedLevel } };
      appendEvent(state.events, room, { type: 'm.room.power_levels', sender: adminId, content, ts: nowMs, stateKey: '' });
    }
    const membership = membershipOf(room, userId);
    const joinRule = stateContent(room, 'm.room.join_rules')?.join_rule;
    if (membership !== 'join' && membership !== 'invite' && joinRule !== 'public') {
      appendEvent(state.events, room, { type: 'm.room.member', sender: adminId, content: { membership: 'invite' }, ts: nowMs, stateKey: userId });
    }
    return {};
  },
};
