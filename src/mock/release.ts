// Which Synapse release the mock answers as: the pinned one by default, or an older one ($MOCK_SYNAPSE_VERSION,
// the `synapseVersion` option) whose shapes the real-Synapse matrix found (test/e2e/support/versions.ts).
import { SYNAPSE_VERSION } from './constants.ts';

/** The shapes that differ between the releases the mock can play. */
export interface MockRelease {
  /** Reported by server_version and the `Server` header. */
  version: string;
  /**
   * Before 1.93 (synapse/handlers/pagination.py DeleteStatus): tasks in memory, `purging` → `shutting_down` →
   * `purging` → complete/failed, no delete_id or room_id by ID, no room_id by room; 1.93+ has the task scheduler.
   */
  legacyDeleteTasks: boolean;
  /** Room details say `tombstoned` and `replacement_room` (1.153+). */
  tombstoneInDetails: boolean;
  /** GET /v1/rooms/<room_id>/state honours `?type=` (1.123+); before, every state event is answered. */
  stateTypeFilter: boolean;
}

/** `[major, minor, patch]` of an `x.y.z` release; throws on anything else. */
function parts(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new RangeError(`MOCK_SYNAPSE_VERSION must be a release like ${SYNAPSE_VERSION}, not ${JSON.stringify(version)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** True when `version` is `since` or later. */
function atLeast(version: string, since: string): boolean {
  const [a, b] = [parts(version), parts(since)];
  for (let index = 0; index < 3; index += 1) if (a[index] !== b[index]) return a[index]! > b[index]!;
  return true;
}

/** The mock's shapes for `version` (default $MOCK_SYNAPSE_VERSION, else the pinned release). */
export function mockRelease(version: string = process.env.MOCK_SYNAPSE_VERSION?.trim() || SYNAPSE_VERSION): MockRelease {
  return {
    version,
    legacyDeleteTasks: !atLeast(version, '1.93.0'),
    tombstoneInDetails: atLeast(version, '1.153.0'),
    stateTypeFilter: atLeast(version, '1.123.0'),
  };
}
