import { AdminError } from './admin-error';

export type Query = Record<string, string | number | undefined>;

/**
 * The admin API (docs/admin-api.md) as the console calls it: same origin, the bearer token the
 * user typed. Roles are the API's business; the console shows its refusals as they come.
 */
export class AdminClient {
  /** Called on a 401 (the token was revoked or expired meanwhile): the console signs out. */
  onUnauthorized: ((message: string) => void) | undefined;

  constructor(private readonly token: string) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.json<T>('GET', path + queryString(query));
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.json<T>('DELETE', path);
  }

  /** The CSV form of a report (routes that answer `Accept: text/csv`). */
  async csv(path: string, query: Query = {}): Promise<string> {
    const res = await this.send('GET', path + queryString(query), undefined, 'text/csv');
    return res.text();
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body, 'application/json');
    return (await res.json()) as T;
  }

  private async send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (err) {
      throw new AdminError(0, 'network', `The gateway could not be reached: ${String(err)}`);
    }
    if (res.ok) return res;
    const text = await res.text();
    let type = 'error';
    let message = text || res.statusText;
    try {
      const parsed = JSON.parse(text) as { error?: { type?: string; message?: string } };
      type = parsed.error?.type ?? type;
      message = parsed.error?.message ?? message;
    } catch {
      // Not the admin API's shape (a proxy's page): shown as it came.
    }
    const error = new AdminError(res.status, type, message);
    if (res.status === 401) this.onUnauthorized?.(error.describe());
    throw error;
  }
}

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
