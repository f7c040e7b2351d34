// The REST client: JSON in and out, files up (`upload`) and down (`download`), the bearer
// token attached, one refresh-and-retry on 401, errors turned into ApiError with the
// server's `{ error: { code, message } }`. Who is signed in is not this file's business:
// auth.ts provides the token and the refresh (`provideAuth`), so neither imports the other's
// internals and this file imports nothing of the app.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds from a Retry-After header (429), when present. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** The signed-in session, as the REST client needs it. */
export interface AuthProvider {
  /** The current access token, or null for a guest. */
  token(): string | null;
  /** Get a new access token (the refresh cookie); false when that is not possible. */
  refresh(): Promise<boolean>;
  /** The refresh did not help: the session is over. */
  expired(): void;
}

let auth: AuthProvider = { token: () => null, refresh: () => Promise.resolve(false), expired: () => undefined };

/** Called once by auth.ts (and by tests with a stub). */
export function provideAuth(provider: AuthProvider): void {
  auth = provider;
}

/** The access token for what cannot go through `request` (a socket handshake). */
export function accessToken(): string | null {
  return auth.token();
}

/** `url` with the access token as `?token=`, for elements that cannot send headers (<video>, <a download>). */
export function tokenUrl(url: string): string {
  const token = auth.token();
  return token ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : url;
}

export interface RequestOptions {
  /** Skip the refresh-and-retry on 401 (used by the auth endpoints themselves). */
  noRefresh?: boolean;
  /** Send no Authorization header. */
  anonymous?: boolean;
  signal?: AbortSignal;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Body = { json: unknown } | { form: FormData } | undefined;

async function send(method: Method, path: string, body: Body, opts: RequestOptions, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body && 'json' in body) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body.json);
  } else if (body) {
    init.body = body.form; // the browser sets the multipart boundary
  }
  const token = opts.anonymous ? null : auth.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.signal) init.signal = opts.signal;
  try {
    return await fetch(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
}

async function toError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `Request failed (${res.status})`;
  try {
    const data = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof data.error?.code === 'string') code = data.error.code;
    if (typeof data.error?.message === 'string') message = data.error.message;
  } catch {
    // Not JSON (a proxy error page, say): keep the status text.
  }
  const header = res.headers.get('retry-after');
  const seconds = header === null ? NaN : Number(header);
  return new ApiError(res.status, code, message, Number.isFinite(seconds) ? Math.max(0, Math.ceil(seconds)) : null);
}

/** Every call goes through here: the token, one refresh and retry on 401, errors thrown. */
async function authed(method: Method, path: string, body: Body, opts: RequestOptions, accept = 'application/json'): Promise<Response> {
  let res = await send(method, path, body, opts, accept);
  if (res.status === 401 && !opts.noRefresh && !opts.anonymous && auth.token()) {
    if (await auth.refresh()) {
      res = await send(method, path, body, opts, accept);
    }
    if (res.status === 401) {
      auth.expired();
      throw await toError(res);
    }
  }
  if (!res.ok) throw await toError(res);
  return res;
}

async function json<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function request<T>(method: Method, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  return json<T>(await authed(method, path, body === undefined ? undefined : { json: body }, opts));
}

/** POSTs a multipart form (files), with the same token, refresh and errors as `request`. */
export async function upload<T>(path: string, form: FormData, opts: RequestOptions = {}): Promise<T> {
  return json<T>(await authed('POST', path, { form }, opts));
}

/** The file name a Content-Disposition header gives (RFC 6266: `filename*` wins), or null. */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star.trim());
    } catch {
      // Malformed escape: fall back to the plain name.
    }
  }
  return /filename="([^"]*)"/i.exec(header)?.[1] ?? /filename=([^;]+)/i.exec(header)?.[1]?.trim() ?? null;
}

/** GETs an authenticated file; the name is `name`, else the server's, else the path's last part. */
export async function fetchFile(path: string, name?: string, opts: RequestOptions = {}): Promise<{ blob: Blob; name: string }> {
  const res = await authed('GET', path, undefined, opts, '*/*');
  const fallback = decodeURIComponent(path.split('?')[0]?.split('/').pop() || 'download');
  return { blob: await res.blob(), name: name ?? dispositionName(res.headers.get('content-disposition')) ?? fallback };
}

/** Downloads an authenticated file and hands it to the browser to save. */
export async function download(path: string, name?: string): Promise<void> {
  const file = await fetchFile(path, name);
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
  put: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};

/** Lists may come bare or wrapped (`{ items }`, `{ sessions }`, ...): accept both. */
export function asList<T>(data: unknown, key?: string): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    for (const k of [key, 'items', 'data', 'results'].filter((x): x is string => Boolean(x))) {
      if (Array.isArray(obj[k])) return obj[k] as T[];
    }
  }
  return [];
}

/** A human sentence for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
