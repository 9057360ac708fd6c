// Makes Synapse forget a finished room-delete task the way its release does (test/e2e/support/versions.ts): a row
// removed from `scheduled_tasks` (what its cleaner does 7 days after the end), or a restart for a release that
// keeps tasks in memory only.
import { inject } from 'vitest';
import { runDatabase, runSql } from '../../../scripts/synapse/database.ts';
import { restartSynapse } from '../../../scripts/synapse/process.ts';
import { writeState } from '../../../scripts/synapse/state.ts';
import type { DeleteTasks } from './versions.ts';

/** Answers how many tasks Synapse lost for `deleteId` (1 when it is gone, whichever way). */
export async function forgetDeleteTask(store: DeleteTasks['store'], deleteId: string): Promise<number> {
  if (store === 'scheduled_tasks') {
    const [deleted] = await runSql(await runDatabase(), [{ sql: 'DELETE FROM scheduled_tasks WHERE id = $1', params: [deleteId] }]);
    return deleted?.changes ?? 0;
  }
  const state = inject('synapse');
  // state.json follows the new pid, so that synapse:down (and the suite's teardown) stops the new process.
  await writeState({ ...state, pid: await restartSynapse(state.baseUrl) });
  return 1;
}
