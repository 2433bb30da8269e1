import type { AdminTarget } from './cli-handlers.types';

/** A failed admin API call, in words for the operator (never the token). */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';

  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The few admin API calls the CLI makes (docs/admin-api.md), over fetch. The audit log records
 * them as actor `bootstrap:cli` (the `x-switchyard-actor` label; a named token is audited as `token:<name>`).
 */
export class AdminApiClient {
  private readonly base: string;

  constructor(
    target: AdminTarget,
    private readonly token: string,
  ) {
    this.base = `${target.url}/admin/v1`;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.token}`, 'x-switchyard-actor': 'cli', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new AdminApiError(`cannot reach the gateway's admin API at ${this.base}${cause} (is it running? --url)`);
    }
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    throw new AdminApiError(`${method} ${url}: ${res.status} ${messageOf(text) ?? res.statusText}${hintFor(res.status)}`, res.status);
  }
}

/** The admin API's `{"error":{"message"}}`, else nothing (a proxy's HTML page says little). */
function messageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof body.error?.message === 'string' ? body.error.message : undefined;
  } catch {
    return undefined;
  }
}

function hintFor(status: number): string {
  if (status === 401) return ' (check --token or SWITCHYARD_ADMIN_TOKEN)';
  return '';
}
