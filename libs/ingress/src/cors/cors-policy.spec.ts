import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CorsPolicy, allowTenantOrigin, isClientApiPath } from './cors-policy';

const APP = 'https://app.example.com';
const TENANT_APP = 'https://tenant.example.org';

/** A real server: the policy first, then a route that lets the "tenant" header play admission. */
async function serve(policy: CorsPolicy): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (policy.handle(req, res)) return;
    const tenantOrigins = req.headers['x-test-tenant-origins'];
    if (typeof tenantOrigins === 'string') allowTenantOrigin(res, req.headers.origin, tenantOrigins.split(' '));
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const preflight = (url: string, origin: string, path = '/v1/chat/completions') =>
  fetch(`${url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' } });

describe(CorsPolicy.name, () => {
  let url: string;
  let server: Server;
  let tenantLoads = 0;

  beforeAll(async () => {
    const policy = new CorsPolicy({ origins: [APP], maxAgeSeconds: 600 }, () => {
      tenantLoads++;
      return Promise.resolve([TENANT_APP]);
    });
    ({ url, server } = await serve(policy));
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('answers a preflight from a server origin with 204 and the allowed method, headers and max age', async () => {
    const res = await preflight(url, APP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('answers a preflight from an origin only a tenant lists (the union: a preflight has no key), reading the union once', async () => {
    const first = await preflight(url, TENANT_APP, '/v1beta/models/gemini:generateContent');
    const second = await preflight(url, TENANT_APP, '/v1/messages');
    expect([first.status, second.status]).toEqual([204, 204]);
    expect(first.headers.get('access-control-allow-origin')).toBe(TENANT_APP);
    expect(second.headers.get('access-control-allow-origin')).toBe(TENANT_APP);
    expect(tenantLoads).toBe(1);
  });

  it('gives a preflight from an origin allowed nowhere no CORS headers', async () => {
    const res = await preflight(url, 'https://evil.example.net');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('leaves paths outside the client API alone', async () => {
    const res = await preflight(url, APP, '/admin/v1/tenants');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks an actual request from a server origin as readable, with our headers exposed', async () => {
    const res = await fetch(`${url}/v1/models`, { headers: { origin: APP } });
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toEqual(expect.stringContaining('x-request-id'));
    expect(res.headers.get('access-control-expose-headers')).toEqual(expect.stringContaining('x-switchyard-trace-id'));
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it("checks an actual request from a tenant origin against that request's own tenant", async () => {
    const own = await fetch(`${url}/v1/models`, { headers: { origin: TENANT_APP, 'x-test-tenant-origins': TENANT_APP } });
    const other = await fetch(`${url}/v1/models`, { headers: { origin: TENANT_APP, 'x-test-tenant-origins': 'https://other.example.org' } });
    expect(own.headers.get('access-control-allow-origin')).toBe(TENANT_APP);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('falls back to the last known tenant origins when they cannot be read', async () => {
    let fail = false;
    const errors: unknown[] = [];
    const policy = new CorsPolicy({ origins: [], maxAgeSeconds: 60 }, () => (fail ? Promise.reject(new Error('auth down')) : Promise.resolve([TENANT_APP])), (e) => errors.push(e));
    const s = await serve(policy);
    try {
      expect((await preflight(s.url, TENANT_APP)).headers.get('access-control-allow-origin')).toBe(TENANT_APP);
      fail = true;
      // Force the cache to be stale without waiting: its age is what makes it reload.
      (policy as unknown as { tenantOrigins: { at: number } }).tenantOrigins.at = 0;
      expect((await preflight(s.url, TENANT_APP)).headers.get('access-control-allow-origin')).toBe(TENANT_APP);
      expect(errors).toHaveLength(1);
    } finally {
      await new Promise((r) => s.server.close(r));
    }
  });

  it('allows any origin with *', async () => {
    const s = await serve(new CorsPolicy({ origins: ['*'], maxAgeSeconds: 60 }));
    try {
      expect((await preflight(s.url, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    } finally {
      await new Promise((r) => s.server.close(r));
    }
  });
});

describe(isClientApiPath.name, () => {
  it.each([
    ['/v1/chat/completions', true],
    ['/v1beta/models', true],
    ['/admin/v1/tenants', false],
    ['/healthz', false],
  ])('%s → %s', (path, expected) => expect(isClientApiPath(path)).toBe(expected));
});
