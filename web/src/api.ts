// The one way the pages talk to /v1: same-origin fetch with the session cookie, the session's CSRF
// token on every state-changing request, and RFC 9457 problems turned into ApiError.
import { signal } from './signal';

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'user' | 'analyst' | 'admin';
  created_at: string;
}

export interface Session {
  user: User;
  csrf: string;
}

/// The logged-in session, or null. Set by login and restore; cleared by logout and by any 401.
export const session = signal<Session | null>(null);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    detail: string,
  ) {
    super(detail);
  }
}

/// What the user reads for a failed call: the server's detail, with a hint for the statuses the
/// try-it page meets most.
export function describe(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const hints: Record<number, string> = {
    413: 'The image is too large (at most 20 MB and 50 megapixels).',
    415: 'This is not a JPEG, PNG or WebP image.',
    422: 'The request was understood but refused.',
    429: 'Too many requests; wait a moment.',
    503: 'The service is busy or a backend is down; try again shortly.',
  };
  const hint = hints[error.status];
  return hint ? `${hint} (${error.message})` : error.message;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CallOptions {
  method?: string;
  body?: unknown;
  raw?: Blob;
  /// An API key for this call only (login), instead of the cookie.
  apiKey?: string;
}

export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.raw) {
    body = options.raw;
    headers['Content-Type'] = options.raw.type || 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  const current = session.value;
  if (current && !SAFE.has(method)) headers['X-CSRF-Token'] = current.csrf;
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const problem = (json ?? {}) as { type?: string; detail?: string; title?: string };
    const type = (problem.type ?? '').replace('https://faceloop.dev/problems/', '');
    if (response.status === 401 && !options.apiKey) expire();
    throw new ApiError(response.status, type, problem.detail ?? problem.title ?? `HTTP ${response.status}`);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/// The session ended (expired, revoked key, deleted account): back to log in, keeping the place.
function expire() {
  if (!session.value) return;
  session.value = null;
  const here = location.pathname + location.search;
  navigate(`/login?next=${encodeURIComponent(here)}`);
}

export async function restoreSession(): Promise<void> {
  try {
    const answer = await call<{ user: User; csrf_token: string }>('/v1/sessions/current');
    session.value = { user: answer.user, csrf: answer.csrf_token };
  } catch {
    session.value = null;
  }
}

export async function login(apiKey: string): Promise<void> {
  const answer = await call<{ user: User; csrf_token: string }>('/v1/sessions', { method: 'POST', apiKey });
  session.value = { user: answer.user, csrf: answer.csrf_token };
}

export async function logout(): Promise<void> {
  try {
    await call('/v1/sessions/current', { method: 'DELETE' });
  } finally {
    session.value = null;
  }
}

/// The current location, for the router.
export const here = signal(location.pathname + location.search);

export function navigate(to: string) {
  if (to !== location.pathname + location.search) history.pushState(null, '', to);
  here.value = to;
}

addEventListener('popstate', () => {
  here.value = location.pathname + location.search;
});
