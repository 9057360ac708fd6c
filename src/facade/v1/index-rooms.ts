// GET /_facade/v1/rooms and /_facade/v1/rooms/export: rooms from the facade index, searched case-insensitively,
// filtered and sorted in ways Synapse's own list cannot, by keyset pages or as a download.
// Synapse's GET /_synapse/admin/v1/rooms is another route and stays Synapse's answer.
import { indexedRoomOut, roomExportQuery, roomIndexPage, roomIndexQuery } from '../../../schemas/index-query.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import { roomFilterOf, roomItemOf } from '../../index/query.ts';
import type { FacadeApi } from './declare.ts';
import { indexListingApis } from './internal/index-listing.ts';

/** The room listing and its export. */
export function indexRoomsApis(context: FacadeContext): FacadeApi[] {
  return indexListingApis(context, {
    kind: 'rooms',
    path: '/_facade/v1/rooms',
    noun: 'rooms',
    filters:
      '`q` matches a case-insensitive (Unicode-aware) substring of the name, canonical alias, room ID or creator. Text ' +
      'filters match exactly; an empty value matches rooms where the field is missing (e.g. `room_type=` for rooms ' +
      'without a type, `room_type=m.space` for spaces). `blocked` is what the facade knows from blocks and unblocks ' +
      'sent through it.',
    listQuery: roomIndexQuery,
    exportQuery: roomExportQuery,
    page: roomIndexPage,
    item: indexedRoomOut,
    filterOf: roomFilterOf,
    itemOf: roomItemOf,
  });
}
