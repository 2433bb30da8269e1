/** A bare HTTP client for /admin/v1 (plain fetch: what an operator's script does). */
export interface AdminResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
}

export class AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly actor?: string,
  ) {}

  withToken(token: string | undefined): AdminClient {
    return new AdminClient(this.baseUrl, token, this.actor);
  }

  withActor(actor: string): AdminClient {
    return new AdminClient(this.baseUrl, this.token, actor);
  }

  /** `body` is sent as JSON, or as written when it is a string (to send broken JSON); `extra` headers as given (`accept: text/csv`). */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<AdminResponse<T>> {
    const headers: Record<string, string> = { ...extra };
    if (this.token !== undefined) headers['authorization'] = `Bearer ${this.token}`;
    if (this.actor) headers['x-switchyard-actor'] = this.actor;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}/admin/v1${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Left undefined: the test asserts on the status and text.
    }
    return { status: res.status, body: parsed as T, text };
  }

  /** Like call, but fails the test with the answer unless the status is `expected`. */
  async ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown, expected = method === 'POST' ? [200, 201] : [200]): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (!expected.includes(res.status)) throw new Error(`${method} ${path} → ${res.status}: ${res.text}`);
    return res.body;
  }
}
