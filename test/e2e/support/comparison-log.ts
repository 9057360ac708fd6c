// Where the e2e comparisons are tallied: one line per comparison, summed up by global-setup.ts at teardown.
import { join } from 'node:path';

export const COMPARISON_LOG = join(process.cwd(), '.synapse', 'e2e-comparisons.log');
