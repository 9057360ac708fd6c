// The one error type for every answer the facade gives itself, and the table of the facade's own errors.

/** A Matrix-style error the facade answers itself: HTTP status, `errcode`, `error` and optional extra fields. */
export class FacadeError extends Error {
  readonly status: number;
  readonly errcode: string;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(status: number, errcode: string, error: string, extra: Record<string, unknown> = {}) {
    super(error);
    this.name = 'FacadeError';
    this.status = status;
    this.errcode = errcode;
    this.extra = extra;
  }

  /** The JSON body, shaped like Synapse's (`errcode`, `error`, then extras such as `soft_logout`). */
  toBody(): Record<string, unknown> {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

/**
 * Errors that come from the facade itself rather than from a Synapse rule.
 * Synapse has no errcode for "the upstream is down", so M_UNKNOWN (the Matrix catch-all) is used.
 */
export const facadeErrors = {
  upstreamUnreachable: () => new FacadeError(502, 'M_UNKNOWN', 'Synapse is unreachable from the admin facade'),
  /** Synapse accepted the connection, then closed it without a (complete) answer. */
  upstreamClosed: () => new FacadeError(502, 'M_UNKNOWN', 'Synapse closed the connection without answering the admin facade'),
  upstreamTimeout: () => new FacadeError(504, 'M_UNKNOWN', 'Synapse did not answer the admin facade in time'),
  tooLarge: (limitBytes: number) =>
    new FacadeError(413, 'M_TOO_LARGE', `Request content is too large (>${limitBytes})`),
  /** The request Synapse would receive is longer than its HTTP server (Twisted) accepts: refused, not sent. */
  requestTooLong: (limitBytes: number, bytes: number) =>
    new FacadeError(
      414,
      'M_TOO_LARGE',
      `Request too long: Synapse's HTTP server accepts at most ${limitBytes} bytes of request line and headers, and this request needs ${bytes}`,
    ),
  internal: () => new FacadeError(500, 'M_UNKNOWN', 'Internal server error'),
} as const;

/** Synapse's `SynapseError(400, msg)` without an errcode, which Synapse reports as M_UNKNOWN. */
export const badRequest = (error: string) => new FacadeError(400, 'M_UNKNOWN', error);
