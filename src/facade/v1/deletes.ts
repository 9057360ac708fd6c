// GET /_facade/v1/deletes/{delete_id} and /_facade/v1/rooms/{room_id}/deletes: every room delete the facade
// sent, with who sent it, its flags and every status seen — kept after Synapse has forgotten the task.
import { deleteIdParams, deleteRecordOut, roomDeletesOut, roomDeletesParams, type DeleteRecordOut } from '../../../schemas/deletes.ts';
import { FacadeError } from '../../errors.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import type { DeleteRecord } from '../../store/store.ts';
import { defineFacadeApi, type FacadeApi } from './declare.ts';
import { fromStore } from '../../pipeline/store-answer.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** A stored delete as the API answers it. */
export function deleteRecordJson(record: DeleteRecord): DeleteRecordOut {
  return {
    delete_id: record.deleteId,
    api: record.api,
    room_id: record.roomId,
    admin: record.admin,
    job_id: record.jobId ?? null,
    requested_at: iso(record.requestedAt),
    status: record.status,
    updated_at: iso(record.updatedAt),
    finished_at: record.finishedAt === null ? null : iso(record.finishedAt),
    flags: record.flags,
    shutdown_room: record.shutdownRoom,
    error: record.error,
    history: record.history.map(({ status, at }) => ({ status, at: iso(at) })),
  };
}

/** The two read endpoints of tracked deletes. */
export function deleteApis(context: FacadeContext): FacadeApi[] {
  return [
    defineFacadeApi({
      method: 'get',
      path: '/_facade/v1/deletes/{delete_id}',
      tag: 'Facade: deletes',
      summary: 'One room delete the facade sent, with every status seen',
      description: 'Answered from the store, whether or not Synapse still knows the task.',
      params: deleteIdParams,
      response: deleteRecordOut,
      errors: [400, 404],
      handle: async (c, { params }) => {
        const record = await fromStore(() => context.store.getDelete(params.delete_id));
        if (!record) throw new FacadeError(404, 'M_NOT_FOUND', `The facade has no record of delete id '${params.delete_id}'`);
        return c.json(deleteRecordJson(record));
      },
    }),
    defineFacadeApi({
      method: 'get',
      path: '/_facade/v1/rooms/{room_id}/deletes',
      tag: 'Facade: deletes',
      summary: 'Every delete of a room the facade sent, oldest first',
      description: 'v1 and v2 deletes, including those Synapse has forgotten. An empty list when there are none.',
      params: roomDeletesParams,
      response: roomDeletesOut,
      errors: [400],
      handle: async (c, { params }) => {
        const records = await fromStore(() => context.store.deletesOfRoom(params.room_id));
        return c.json({ results: records.map(deleteRecordJson) });
      },
    }),
  ];
}
