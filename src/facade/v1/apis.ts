// Every /_facade/v1 endpoint, in the order of the OpenAPI document.
import type { FacadeContext } from '../../pipeline/context.ts';
import type { BackgroundWork } from '../../jobs/start.ts';
import type { FacadeApi } from './declare.ts';
import { deleteApis } from './deletes.ts';
import { auditApis } from './audit.ts';
import { jobsApis } from './jobs.ts';

/** The services the facade APIs drive. */
export type FacadeServices = Pick<BackgroundWork, 'jobs'>;

/** Builds the endpoint list; handlers close over the context and the services. */
export function facadeApis(context: FacadeContext, services: FacadeServices): FacadeApi[] {
  return [...auditApis(context), ...deleteApis(context), ...jobsApis(context, services.jobs)];
}
