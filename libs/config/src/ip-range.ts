import { BlockList, isIP } from 'node:net';

// Client IP allow-lists: single addresses or CIDR ranges, IPv4 and IPv6 (node:net BlockList).

function parse(range: string): { address: string; prefix: number | undefined; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, extra] = range.trim().split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, prefix: undefined, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= (version === 4 ? 32 : 128) ? { address, prefix, family } : undefined;
}

export function isIpRange(range: string): boolean {
  return parse(range) !== undefined;
}

/** A matcher for `ranges` (already validated); an empty list matches every address. */
export function ipAllowList(ranges: readonly string[]): (address: string) => boolean {
  if (ranges.length === 0) return () => true;
  const list = new BlockList();
  for (const r of ranges) {
    const p = parse(r);
    if (!p) continue;
    if (p.prefix === undefined) list.addAddress(p.address, p.family);
    else list.addSubnet(p.address, p.prefix, p.family);
  }
  return (address) => {
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const version = isIP(plain);
    return version !== 0 && list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  };
}
