// Every /_facade/v1 endpoint, in the order of the OpenAPI document.
import type { FacadeContext } from '../../pipeline/context.ts';
import type { BackgroundWork } from '../../jobs/start.ts';
import type { FacadeApi } from './declare.ts';
import { deleteApis } from './deletes.ts';
import { auditApis } from './audit.ts';
import { jobsApis } from './jobs.ts';
import { indexStatusApis } from './index-status.ts';
import { summaryApis } from './summary.ts';
import { indexRoomsApis } from './index-rooms.ts';
import { indexDestinationsApis } from './index-destinations.ts';

/** The services the facade APIs drive. */
export type FacadeServices = Pick<BackgroundWork, 'jobs' | 'index'>;

/** Builds the endpoint list; handlers close over the context and the services. */
export function facadeApis(context: FacadeContext, services: FacadeServices): FacadeApi[] {
  return [
    ...auditApis(context),
    ...deleteApis(context),
    ...jobsApis(context, services.jobs),
    ...indexStatusApis(context, services.index),
    ...summaryApis(services.index),
    ...indexRoomsApis(context),
    ...indexDestinationsApis(context),
  ];
}
