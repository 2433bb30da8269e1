import { isIP } from 'node:net';

/**
 * An IP address as its bytes: 4 for IPv4, 16 for IPv6 (zone id dropped), undefined when the
 * text is not an address. Bytes rather than strings because one IPv6 address has many
 * spellings (`::ffff:127.0.0.1`, `::ffff:7f00:1`, `0:0:0:0:0:ffff:7f00:0001`) and a policy
 * compared on text would miss all but one.
 */
export function ipBytes(address: string): Uint8Array | undefined {
  const plain = address.replace(/%.*$/, '');
  switch (isIP(plain)) {
    case 4:
      return Uint8Array.from(plain.split('.').map(Number));
    case 6:
      return ipv6Bytes(plain);
    default:
      return undefined;
  }
}

function ipv6Bytes(address: string): Uint8Array {
  const bytes = new Uint8Array(16);
  // A trailing dotted quad (`::ffff:1.2.3.4`) stands for the last two groups.
  let text = address;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (quad !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = quad.split('.').map(Number);
    text = `${text.slice(0, -quad.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const first = groupsOf(head);
  const last = tail === undefined ? [] : groupsOf(tail);
  const groups = [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}
