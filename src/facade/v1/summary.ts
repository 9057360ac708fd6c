// GET /_facade/v1/summary: the index's figures — rooms by version, encrypted, public, spaces, empty; destinations
// total, failing and the oldest failure — the same figures /_facade/metrics exports as gauges.
import { indexSummaryOut } from '../../../schemas/index-status.ts';
import type { IndexSweeper } from '../../index/sweeper.ts';
import { summaryJson } from '../../index/summary.ts';
import { fromStore } from '../../pipeline/store-answer.ts';
import { defineFacadeApi, type FacadeApi } from './declare.ts';

/** The summary endpoint; each answer reads the store afresh (and refreshes the figures the gauges export). */
export function summaryApis(sweeper: IndexSweeper): FacadeApi[] {
  return [
    defineFacadeApi({
      method: 'get',
      path: '/_facade/v1/summary',
      tag: 'Facade: index',
      summary: 'Figures of the room and destination index',
      description:
        'Counted from the index as it is now (mutations through the facade included), with the age of each index: the ' +
        'time since its last complete sweep. /_facade/metrics exports the same figures as gauges, read after each ' +
        'sweep (`facade_index_rooms`, `facade_index_rooms_by_version`, `facade_index_destinations`, ' +
        '`facade_index_oldest_failure_age_seconds`, `facade_index_age_seconds`).',
      response: indexSummaryOut,
      errors: [],
      handle: async (c) => c.json(summaryJson(await fromStore(() => sweeper.summary.refresh()))),
    }),
  ];
}
