// The Hono application of the facade's own endpoints (/_facade/…); every Synapse path is served by
// synapse-listener.ts without it.
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { FacadeError } from './errors.ts';
import type { FacadeContext } from './pipeline/context.ts';
import { sendError } from './pipeline/respond.ts';
import { facadeEndpoints } from './facade/endpoints.ts';
import type { FacadeServices } from './facade/v1/apis.ts';
import { recordOf, startRequestRecord } from './observability/request-log.ts';
import { answerThrown } from './synapse-listener.ts';

/** The facade's own endpoints, each request logged under its Hono route. */
export function createApp(context: FacadeContext, services: FacadeServices) {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use('*', async (c, next) => {
    const record = startRequestRecord(c.env.incoming, c.env.outgoing, context);
    await next();
    if (record.route === 'unmatched') record.route = `${c.req.method} ${c.req.routePath}`;
  });
  app.route('/_facade', facadeEndpoints(context, services));
  // An unknown path of the facade's own namespace is answered as Synapse answers an unknown path.
  app.notFound((c) => {
    sendError(c.env.outgoing, new FacadeError(404, 'M_UNRECOGNIZED', 'Unrecognized request'));
    return RESPONSE_ALREADY_SENT;
  });
  app.onError((error, c) => {
    answerThrown(context, c.env.incoming, c.env.outgoing, recordOf(c.env.incoming)?.route ?? 'unmatched', error);
    return RESPONSE_ALREADY_SENT;
  });
  return app;
}
