import { DEFAULT_OUTBOUND_POLICY, type OutboundPolicy } from './outbound-policy.types';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import { Agent, request } from 'undici';
import { OUTBOUND_REFUSED, outboundConnector } from './outbound-connector';

// The connect-time half of the outbound policy, through a real undici Agent against a real
// socket: a name whose DNS answer holds a forbidden address must fail before any byte is sent.

const HTTP_ONLY: OutboundPolicy = { ...DEFAULT_OUTBOUND_POLICY, allowHttp: true };
const LOCAL: OutboundPolicy = { ...HTTP_ONLY, allowPrivate: true };

/** A resolver that answers from a table, as a DNS server under an attacker's control would. */
function fakeDns(table: Record<string, string[]>): typeof dnsLookup {
  const fake = (hostname: string, _options: unknown, callback: (err: Error | null, addresses: { address: string; family: number }[]) => void) => {
    const addresses = table[hostname];
    if (!addresses) callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    else callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return fake as unknown as typeof dnsLookup;
}

describe(outboundConnector.name, () => {
  let server: Server;
  let port: number;
  let connections = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1;
      sockets.add(socket);
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => (connections = 0));
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function call(url: string, policy: OutboundPolicy, dns: Record<string, string[]> = {}): Promise<{ status?: number; code?: string; message?: string }> {
    const agent = new Agent({ connect: outboundConnector({ timeout: 2000 }, policy, fakeDns(dns)) });
    try {
      const res = await request(url, { dispatcher: agent });
      await res.body.text();
      return { status: res.statusCode };
    } catch (error) {
      const e = error as { code?: string; message?: string };
      return { code: e.code, message: e.message };
    } finally {
      await agent.close();
    }
  }

  it('connects where the policy allows', async () => {
    expect(await call(`http://127.0.0.1:${port}/`, LOCAL)).toEqual({ status: 200 });
    expect(await call(`http://upstream.test:${port}/`, LOCAL, { 'upstream.test': ['127.0.0.1'] })).toEqual({ status: 200 });
    expect(connections).toBe(2);
  });

  it.each([
    ['an IP literal on loopback', 'http://127.0.0.1:PORT/', {}],
    ['a name that resolves to loopback', 'http://rebind.test:PORT/', { 'rebind.test': ['127.0.0.1'] }],
    ['a name with one forbidden address among public ones', 'http://mixed.test:PORT/', { 'mixed.test': ['8.8.8.8', '127.0.0.1'] }],
    ['a name that resolves to an IPv4-mapped loopback', 'http://mapped.test:PORT/', { 'mapped.test': ['::ffff:127.0.0.1'] }],
    ['localhost', 'http://localhost:PORT/', {}],
  ])('refuses %s unless private upstreams are allowed, before any byte is sent', async (_, url, dns: Record<string, string[]>) => {
    const refused = await call(url.replace('PORT', String(port)), HTTP_ONLY, dns);

    expect(refused).toEqual({ code: OUTBOUND_REFUSED, message: "the gateway's outbound policy refused the upstream's address" });
    expect(connections).toBe(0);
  });

  it('refuses metadata and link-local answers even where private upstreams are allowed', async () => {
    for (const address of ['169.254.169.254', 'fd00:ec2::254', 'fe80::1', '::ffff:169.254.169.254']) {
      expect(await call(`http://meta.test:${port}/`, LOCAL, { 'meta.test': [address] })).toMatchObject({ code: OUTBOUND_REFUSED });
    }
    expect(await call(`http://metadata.google.internal:${port}/`, LOCAL, { 'metadata.google.internal': ['127.0.0.1'] })).toMatchObject({ code: OUTBOUND_REFUSED });
    expect(connections).toBe(0);
  });

  it('refuses plain http unless allowed', async () => {
    expect(await call(`http://127.0.0.1:${port}/`, { ...DEFAULT_OUTBOUND_POLICY, allowPrivate: true })).toMatchObject({ code: OUTBOUND_REFUSED });
    expect(connections).toBe(0);
  });

  it('passes DNS failures through as they are', async () => {
    expect(await call(`http://nowhere.test:${port}/`, LOCAL)).toMatchObject({ code: 'ENOTFOUND' });
  });
});
