// The browser's side of the JSON API: one fetch helper that turns the contract's error body
// (`{ error: { code, message, field?, step? } }`) into an ApiError the components can place.

/** An error answered by the API (or a network failure, code SR_NETWORK). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field?: string;
  readonly step?: number;

  constructor(status: number, body: { code?: string; message?: string; field?: string; step?: number }) {
    super(body.message ?? `Request failed (${status}).`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code ?? 'SR_INTERNAL';
    this.field = body.field;
    this.step = body.step;
  }
}

/** Calls the app's API with a JSON body; resolves to the JSON answer or throws ApiError. */
export async function apiFetch<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers:
        init.body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, { code: 'SR_NETWORK', message: 'Could not reach the server. Check your connection and try again.' });
  }
  const body = (await res.json().catch(() => undefined)) as { error?: ConstructorParameters<typeof ApiError>[1] } | undefined;
  if (!res.ok) throw new ApiError(res.status, body?.error ?? {});
  return body as T;
}
