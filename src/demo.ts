// `npm run demo`: the facade in front of the built-in mock Synapse, ready for curl, synadm or an admin UI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startMockSynapse } from './mock/server.ts';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN } from './mock/constants.ts';
import { roomCountFromEnv } from './mock/room-count.ts';
import { startFacade } from './server.ts';

/** DEMO_ADMIN_TOKEN: the admin token the mock accepts (default in README). */
const adminToken = process.env.DEMO_ADMIN_TOKEN || DEFAULT_ADMIN_TOKEN;
const userToken = process.env.DEMO_USER_TOKEN || DEFAULT_USER_TOKEN;

try {
  const config = loadConfig();
  // The demo's store (audit trail, deletes, jobs) lives in a temporary directory unless DATA_DIR names one.
  const temporaryDataDir = process.env.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'facade-demo-'));
  const mock = await startMockSynapse({ adminToken, userToken, port: Number(process.env.MOCK_PORT ?? 0), roomCount: roomCountFromEnv() });
  const logger = createLogger(config.logLevel);
  // The mock's admin token is the facade's own for background work, so the index is swept at once.
  const facadeAdminToken = config.facadeAdminToken ?? adminToken;
  const facade = await startFacade({ ...config, synapseUrl: mock.url, dataDir: temporaryDataDir ?? config.dataDir, facadeAdminToken }, { logger });
  console.log(
    [
      '',
      `synapse-admin-facade demo is running`,
      `  facade:       ${facade.url}   <- point curl, synadm or synapse-admin here`,
      `  mock Synapse: ${mock.url}`,
      `  store:        ${temporaryDataDir ?? config.dataDir}${temporaryDataDir ? ' (temporary, removed on exit)' : ''}`,
      `  admin token:  ${adminToken}`,
      `  user token:   ${userToken} (not an admin)`,
      `  login:        admin / admin-password (password login through the facade works too)`,
      '',
      `  try: curl -H 'Authorization: Bearer ${adminToken}' '${facade.url}/_synapse/admin/v1/rooms?limit=3'`,
      `       curl -H 'Authorization: Bearer ${adminToken}' '${facade.url}/_facade/v1/rooms?q=lobby'`,
      `  overview:     ${facade.url}/_facade/   (sign in as admin / admin-password)`,
      `  API reference: ${facade.url}/_facade/docs`,
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await facade.close();
    await mock.close();
    if (temporaryDataDir) rmSync(temporaryDataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`synapse-admin-facade: bad configuration\n${error.message}`);
    process.exit(2);
  }
  throw error;
}
