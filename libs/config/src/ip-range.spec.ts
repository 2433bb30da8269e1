import { ipAllowList, isIpRange } from './ip-range';

describe(isIpRange.name, () => {
  it.each(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::1', '0.0.0.0/0'])('accepts %s', (r) => expect(isIpRange(r)).toBe(true));
  it.each(['10.0.0.0/33', '10.0.0/8', 'example.com', '2001:db8::/129', '1.2.3.4/8/1', '1.2.3.4/x', ''])('refuses %j', (r) => expect(isIpRange(r)).toBe(false));
});

describe(ipAllowList.name, () => {
  it('matches addresses inside the ranges, IPv4-mapped IPv6 included', () => {
    const allowed = ipAllowList(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);
    expect(allowed('10.42.0.1')).toBe(true);
    expect(allowed('::ffff:10.42.0.1')).toBe(true);
    expect(allowed('192.168.1.7')).toBe(true);
    expect(allowed('192.168.1.8')).toBe(false);
    expect(allowed('2001:db8::5')).toBe(true);
    expect(allowed('2001:db9::5')).toBe(false);
    expect(allowed('')).toBe(false);
  });

  it('lets every address through an empty list', () => {
    expect(ipAllowList([])('203.0.113.9')).toBe(true);
  });
});
