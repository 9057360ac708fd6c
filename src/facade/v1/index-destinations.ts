// GET /_facade/v1/federation/destinations and …/export: federation destinations from the facade index, so
// sorting by failure_ts or retry_interval, or listing only failing ones, costs Synapse nothing.
import { destinationExportQuery, destinationIndexPage, destinationIndexQuery, indexedDestinationOut } from '../../../schemas/index-query.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import { destinationFilterOf, destinationItemOf } from '../../index/query.ts';
import type { FacadeApi } from './declare.ts';
import { indexListingApis } from './internal/index-listing.ts';

/** The destination listing and its export. */
export function indexDestinationsApis(context: FacadeContext): FacadeApi[] {
  return indexListingApis(context, {
    kind: 'destinations',
    path: '/_facade/v1/federation/destinations',
    noun: 'federation destinations',
    filters: '`q` matches a case-insensitive substring of the destination; `failing=true` keeps destinations with a `failure_ts`.',
    listQuery: destinationIndexQuery,
    exportQuery: destinationExportQuery,
    page: destinationIndexPage,
    item: indexedDestinationOut,
    filterOf: destinationFilterOf,
    itemOf: destinationItemOf,
  });
}
