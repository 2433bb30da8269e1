import { ipBytes } from './ip-address.parser';

/**
 * What kind of destination an IP address is, for the outbound policy (docs/architecture.md §4):
 * - `metadata`, `link-local`, `reserved` (multicast, broadcast, class E): never an upstream;
 * - `loopback`, `private` (RFC 1918, fc00::/7, fec0::/10), `shared` (CGNAT, RFC 6598),
 *   `unspecified` (0.0.0.0/8, `::`, which Linux connects to as the local host): only where the
 *   operator allows private upstreams (self-hosted vLLM or Ollama on a private network);
 * - `public`: everything else.
 */
export type AddressClass = 'metadata' | 'link-local' | 'reserved' | 'loopback' | 'private' | 'shared' | 'unspecified' | 'public';

/** Classes no setting allows: the cloud's instance credentials live behind them. */
export const ALWAYS_REFUSED: ReadonlySet<AddressClass> = new Set(['metadata', 'link-local', 'reserved']);

// Metadata services outside link-local space. AWS IMDS over IPv6 is fd00:ec2::254 (EC2 user
// guide, "Instance metadata service"); Alibaba Cloud's metadata server is 100.100.100.200
// (ECS docs, "Instance metadata"). 169.254.169.254 (AWS, GCP, Azure, OCI) is link-local anyway,
// listed so messages call it what it is.
const METADATA = ['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254'];

const RANGES: ReadonlyArray<readonly [string, AddressClass]> = [
  ['0.0.0.0/8', 'unspecified'],
  ['127.0.0.0/8', 'loopback'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['169.254.0.0/16', 'link-local'],
  ['224.0.0.0/4', 'reserved'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'private'],
  ['fec0::/10', 'private'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'reserved'],
];

/**
 * IPv6 forms that carry an IPv4 address a packet can end up at: mapped (`::ffff:a.b.c.d`, how
 * a dual-stack socket writes IPv4), SIIT (`::ffff:0:a.b.c.d`), the deprecated compatible form
 * (`::a.b.c.d`), NAT64 (64:ff9b::/96, RFC 6052) and 6to4 (2002::/16, RFC 3056). Each is
 * judged by the IPv4 address inside, so `::ffff:169.254.169.254` is metadata too.
 */
const EMBEDDED_V4: ReadonlyArray<readonly [string, number]> = [
  ['::ffff:0:0/96', 12],
  ['::ffff:0:0:0/96', 12],
  ['64:ff9b::/96', 12],
  ['2002::/16', 2],
];

interface Cidr {
  bytes: Uint8Array;
  bits: number;
}

function cidr(text: string): Cidr {
  const [address = '', bits = ''] = text.split('/');
  const bytes = ipBytes(address);
  if (!bytes) throw new Error(`bad range ${text}`);
  return { bytes, bits: Number(bits) };
}

function contains(range: Cidr, bytes: Uint8Array): boolean {
  if (range.bytes.length !== bytes.length) return false;
  for (let bit = 0; bit < range.bits; bit += 8) {
    const mask = range.bits - bit >= 8 ? 0xff : (0xff << (8 - (range.bits - bit))) & 0xff;
    if (((range.bytes[bit / 8] ?? 0) & mask) !== ((bytes[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

const metadata = METADATA.map((a) => ipBytes(a) as Uint8Array);
const ranges = RANGES.map(([text, kind]) => [cidr(text), kind] as const);
// The compatible form last: it is the widest, and `::` and `::1` inside it are not IPv4.
const compatible = cidr('::/96');
const embedded = [...EMBEDDED_V4.map(([text, offset]) => [cidr(text), offset] as const), [compatible, 12] as const];

/** The class of `address` (IPv4 or IPv6 text); undefined when it is not an IP address. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bytes = ipBytes(address);
  return bytes && classifyBytes(bytes);
}

function classifyBytes(bytes: Uint8Array): AddressClass {
  if (metadata.some((m) => m.length === bytes.length && m.every((b, i) => b === bytes[i]))) return 'metadata';
  if (bytes.length === 16) {
    for (const [range, offset] of embedded) {
      if (!contains(range, bytes)) continue;
      const v4 = Uint8Array.from(bytes.subarray(offset, offset + 4));
      // `::` and `::1` sit inside ::/96 but are themselves, not IPv4 addresses.
      if (range === compatible && v4[0] === 0 && v4[1] === 0 && v4[2] === 0 && (v4[3] ?? 0) <= 1) break;
      return classifyBytes(v4);
    }
  }
  for (const [range, kind] of ranges) if (contains(range, bytes)) return kind;
  return 'public';
}

/** How a refusal names the class (`a loopback address`); never the address itself. */
export function describeAddressClass(kind: AddressClass): string {
  switch (kind) {
    case 'metadata':
      return 'a cloud metadata address';
    case 'link-local':
      return 'a link-local address';
    case 'reserved':
      return 'a multicast or reserved address';
    case 'loopback':
      return 'a loopback address';
    case 'private':
      return 'a private address';
    case 'shared':
      return 'a carrier-grade NAT (shared) address';
    case 'unspecified':
      return 'an unspecified address (0.0.0.0 or ::)';
    case 'public':
      return 'a public address';
  }
}
