// `npm run synapse:down`: stops the Synapse started by synapse:up and forgets its state (data and venv stay).
import { stopSynapse } from './process.ts';
import { removeState } from './state.ts';

/** Stops the recorded Synapse process (SIGTERM, then SIGKILL) and removes state.json. True if one was running. */
export async function synapseDown(): Promise<boolean> {
  const stopped = await stopSynapse();
  await removeState();
  return stopped;
}

if (import.meta.main) {
  console.error((await synapseDown()) ? 'synapse: stopped' : 'synapse: was not running');
}
