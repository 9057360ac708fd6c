// Runs the mock Synapse standalone: `node src/mock/main.ts` (MOCK_PORT, default 8008, on 127.0.0.1; MOCK_ROOM_COUNT,
// default the 164 rooms of the default data set).
import { startMockSynapse } from './server.ts';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN, SERVER_NAME } from './constants.ts';
import { roomCountFromEnv } from './room-count.ts';

const port = Number(process.env.MOCK_PORT ?? 8008);
const mock = await startMockSynapse({ port, roomCount: roomCountFromEnv() });
console.log(`mock Synapse (${SERVER_NAME}) listening on ${mock.url} with ${mock.state.rooms.size} rooms`);
console.log(`admin token: ${DEFAULT_ADMIN_TOKEN}, user token: ${DEFAULT_USER_TOKEN}`);

const shutdown = (): void => {
  void mock.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
