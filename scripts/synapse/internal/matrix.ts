// Minimal JSON-over-HTTP client for Synapse's client and admin APIs, used by registration and seeding.

/** A non-2xx answer from Synapse, keeping its Matrix errcode for callers that expect some (M_USER_IN_USE). */
export class MatrixRequestError extends Error {
  override name = 'MatrixRequestError';
  readonly status: number;
  readonly errcode: string | undefined;
  constructor(method: string, path: string, status: number, errcode: string | undefined, body: string) {
    super(`${method} ${path} -> ${status} ${body.slice(0, 500)}`);
    this.status = status;
    this.errcode = errcode;
  }
}

export interface MatrixRequestOptions {
  /** Access token sent as `Authorization: Bearer`; omit for unauthenticated endpoints. */
  accessToken?: string;
  method?: string;
  body?: unknown;
}

/** Sends one request to `baseUrl + path` and returns the parsed JSON body; throws MatrixRequestError on non-2xx. */
export async function matrixRequest<T>(baseUrl: string, path: string, options: MatrixRequestOptions = {}): Promise<T> {
  const { accessToken, body, method = body === undefined ? 'GET' : 'POST' } = options;
  const headers: Record<string, string> = {};
  if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) {
    let errcode: string | undefined;
    try {
      errcode = (JSON.parse(text) as { errcode?: string }).errcode;
    } catch {
      errcode = undefined;
    }
    throw new MatrixRequestError(method, path, response.status, errcode, text);
  }
  return JSON.parse(text) as T;
}
