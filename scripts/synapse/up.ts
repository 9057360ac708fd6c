// `npm run synapse:up`: install (once), configure, start and seed a loopback-only Synapse, then write state.json.
import { mkdir } from 'node:fs/promises';
import { writeSynapseConfig } from './config.ts';
import { waitForBackgroundUpdates } from './database.ts';
import { matrixRequest } from './internal/matrix.ts';
import { SynapseSetupError } from './internal/run.ts';
import { runLabel, SERVER_NAME, synapsePaths, synapseRun } from './paths.ts';
import { ensureSynapsePostgres } from './postgres.ts';
import { isHealthy, runningPid, startSynapse, stopSynapse, waitForHealth } from './process.ts';
import { registerOrLogin } from './register.ts';
import { seedSynapse } from './seed.ts';
import { readState, writeState, type SynapseState } from './state.ts';
import { ensureSynapseVenv } from './venv.ts';

/** Local-only credentials; the server never listens beyond 127.0.0.1. */
export const ADMIN_LOGIN = { username: 'admin', password: 'admin-password' } as const;
export const USER_LOGIN = { username: 'user', password: 'user-password' } as const;

export interface SynapseUpResult {
  state: SynapseState;
  /** False when an already-running healthy instance was reused; callers should then not stop it. */
  started: boolean;
}

/** The recorded instance, if its process is alive, /health answers and the admin token still works. */
async function reusableState(): Promise<SynapseState | undefined> {
  const state = await readState();
  if (state === undefined || (await runningPid()) !== state.pid || !(await isHealthy(state.baseUrl))) return undefined;
  try {
    await matrixRequest(state.baseUrl, '/_synapse/admin/v1/server_version', { accessToken: state.adminToken });
    await matrixRequest(state.baseUrl, '/_matrix/client/v3/account/whoami', { accessToken: state.adminToken });
    return state;
  } catch {
    return undefined;
  }
}

async function startFresh(log: (line: string) => void): Promise<SynapseState> {
  if (await stopSynapse()) log('synapse: stopped a stale instance that did not match state.json');
  const python = await ensureSynapseVenv({ log });
  const postgres = synapseRun.database === 'postgres' ? await ensureSynapsePostgres({ log }) : undefined;
  const config = await writeSynapseConfig(python, { postgres });
  log(`synapse: starting ${runLabel(synapseRun)} on ${config.baseUrl} (log: ${synapsePaths.log})`);
  const pid = await startSynapse(python);
  await waitForHealth(config.baseUrl, pid);
  const common = { baseUrl: config.baseUrl, registrationSharedSecret: config.registrationSharedSecret };
  const admin = await registerOrLogin({ ...common, ...ADMIN_LOGIN, admin: true, displayname: 'Admin' });
  const user = await registerOrLogin({ ...common, ...USER_LOGIN, displayname: 'Ordinary User' });
  const { server_version } = await matrixRequest<{ server_version: string }>(config.baseUrl, '/_synapse/admin/v1/server_version');
  return {
    baseUrl: config.baseUrl,
    serverName: SERVER_NAME,
    adminUserId: admin.userId,
    adminToken: admin.accessToken,
    userUserId: user.userId,
    userToken: user.accessToken,
    pid,
    version: server_version,
    database: synapseRun.database,
    dataDir: synapsePaths.dataDir,
  };
}

/**
 * Makes sure a seeded Synapse runs on 127.0.0.1 and returns its state (also written to .synapse/state.json).
 * Reuses a healthy running instance; throws SynapseSetupError (with the log tail) when it cannot start.
 */
export async function synapseUp({ log = console.error }: { log?: (line: string) => void } = {}): Promise<SynapseUpResult> {
  await mkdir(synapsePaths.home, { recursive: true });
  const reused = await reusableState();
  const state = reused ?? (await startFresh(log));
  if (reused === undefined) await writeState(state);
  else log(`synapse: reusing running instance pid ${state.pid} on ${state.baseUrl}`);
  await seedSynapse(state, { log });
  await waitForBackgroundUpdates();
  return { state, started: reused === undefined };
}

if (import.meta.main) {
  const startedAt = Date.now();
  try {
    const { state } = await synapseUp();
    console.error(`synapse: ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s — Synapse ${state.version} at ${state.baseUrl}`);
    console.error(`synapse: state in ${synapsePaths.state}, seed in ${synapsePaths.seed}`);
  } catch (error) {
    console.error(error instanceof SynapseSetupError ? `synapse:up failed: ${error.message}` : error);
    process.exitCode = 1;
  }
}
