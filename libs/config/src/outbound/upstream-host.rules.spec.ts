import { DEFAULT_OUTBOUND_POLICY } from './outbound-policy.types';
import { refuseAddress, refuseHost } from './upstream-host.rules';

const PRIVATE_OK = { ...DEFAULT_OUTBOUND_POLICY, allowPrivate: true };

describe(refuseAddress.name, () => {
  it('refuses metadata, link-local and reserved addresses under every policy', () => {
    for (const policy of [DEFAULT_OUTBOUND_POLICY, PRIVATE_OK]) {
      expect(refuseAddress('169.254.169.254', policy)).toBe('a cloud metadata address is never an upstream');
      expect(refuseAddress('fd00:ec2::254', policy)).toBe('a cloud metadata address is never an upstream');
      expect(refuseAddress('fe80::1', policy)).toBe('a link-local address is never an upstream');
      expect(refuseAddress('::ffff:169.254.0.9', policy)).toBe('a link-local address is never an upstream');
      expect(refuseAddress('224.0.0.1', policy)).toBe('a multicast or reserved address is never an upstream');
    }
  });

  it.each(['127.0.0.1', '::1', '10.0.0.1', '172.20.0.1', '192.168.0.10', 'fd00::5', '100.64.1.1', '0.0.0.0', '::', '::ffff:127.0.0.1'])(
    'refuses %s unless private upstreams are allowed',
    (address) => {
      expect(refuseAddress(address, DEFAULT_OUTBOUND_POLICY)).toMatch(/ is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true$/);
      expect(refuseAddress(address, PRIVATE_OK)).toBeUndefined();
    },
  );

  it('accepts public addresses', () => {
    expect(refuseAddress('8.8.8.8', DEFAULT_OUTBOUND_POLICY)).toBeUndefined();
    expect(refuseAddress('2606:4700:4700::1111', DEFAULT_OUTBOUND_POLICY)).toBeUndefined();
  });
});

describe(refuseHost.name, () => {
  it.each(['metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal'])(
    'refuses the metadata host %s under every policy',
    (host) => {
      expect(refuseHost(host, PRIVATE_OK)).toBe('a cloud metadata host is never an upstream');
    },
  );

  it('reads bracketed IPv6 literals as URLs write them', () => {
    expect(refuseHost('[::1]', DEFAULT_OUTBOUND_POLICY)).toBe('a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true');
    expect(refuseHost('[::ffff:a9fe:a9fe]', PRIVATE_OK)).toBe('a cloud metadata address is never an upstream');
  });

  it('refuses localhost and names under it unless private upstreams are allowed', () => {
    expect(refuseHost('localhost', DEFAULT_OUTBOUND_POLICY)).toBe('a loopback host is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true');
    expect(refuseHost('api.localhost', DEFAULT_OUTBOUND_POLICY)).toBeDefined();
    expect(refuseHost('localhost', PRIVATE_OK)).toBeUndefined();
  });

  it('leaves other names to the check of what they resolve to', () => {
    expect(refuseHost('api.openai.com', DEFAULT_OUTBOUND_POLICY)).toBeUndefined();
    expect(refuseHost('localhost.example.com', DEFAULT_OUTBOUND_POLICY)).toBeUndefined();
  });
});
