// The .synapse/state.json contract: everything a test or a human needs to talk to the running Synapse.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { synapsePaths, type SynapseDatabase } from './paths.ts';

/** Written by `npm run synapse:up`; removed by `npm run synapse:down`. */
export interface SynapseState {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  serverName: string;
  adminUserId: string;
  /** Access token of a server admin; grants full admin API access to this local server. */
  adminToken: string;
  userUserId: string;
  userToken: string;
  pid: number;
  /** `server_version` as reported by /_synapse/admin/v1/server_version: the release the e2e suite expects of. */
  version: string;
  /** The database Synapse runs on; the e2e suite's expectations differ by it too. */
  database: SynapseDatabase;
  /** Absolute path of the directory holding homeserver.yaml and homeserver.db. */
  dataDir: string;
}

export async function readState(): Promise<SynapseState | undefined> {
  if (!existsSync(synapsePaths.state)) return undefined;
  return JSON.parse(await readFile(synapsePaths.state, 'utf8')) as SynapseState;
}

export async function writeState(state: SynapseState): Promise<void> {
  await writeFile(synapsePaths.state, `${JSON.stringify(state, null, 2)}\n`);
}

export async function removeState(): Promise<void> {
  await rm(synapsePaths.state, { force: true });
}
