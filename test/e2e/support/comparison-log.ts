// Where the e2e comparisons are tallied: one line per comparison, summed up by global-setup.ts at teardown.
import { synapsePaths } from '../../../scripts/synapse/paths.ts';

/** In the run's home, so that each release and database of the matrix counts its own. */
export const COMPARISON_LOG = synapsePaths.comparisons;
