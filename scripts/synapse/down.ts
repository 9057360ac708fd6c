// `npm run synapse:down`: stops the Synapse started by synapse:up and forgets its state (data and venv stay; a
// run on PostgreSQL also stops its throwaway server, whose data goes with it).
import { synapseRun } from './paths.ts';
import { stopSynapsePostgres } from './postgres.ts';
import { stopSynapse } from './process.ts';
import { removeState } from './state.ts';

/** Stops the recorded Synapse process (SIGTERM, then SIGKILL), its PostgreSQL if any, and removes state.json. True if Synapse ran. */
export async function synapseDown(): Promise<boolean> {
  const stopped = await stopSynapse();
  if (synapseRun.database === 'postgres') await stopSynapsePostgres();
  await removeState();
  return stopped;
}

if (import.meta.main) {
  console.error((await synapseDown()) ? 'synapse: stopped' : 'synapse: was not running');
}
