// A Matrix error carried inside a Zod issue, so the first failing check decides the answer (status, errcode, text).
import { z } from 'zod';

/** What src/pipeline/validate.ts turns into a FacadeError. */
export interface MatrixIssueParams {
  errcode: string;
  status: number;
}

/** Adds Synapse's error as a Zod issue and stops the transform. */
export function failWith(ctx: z.core.$RefinementCtx<unknown>, errcode: string, message: string, status = 400): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, params: { errcode, status } satisfies MatrixIssueParams });
  return z.NEVER;
}
