import { clientAddressResolver } from './client-address';

describe(clientAddressResolver.name, () => {
  const behindLb = clientAddressResolver(['10.0.0.0/8', '192.168.1.1']);

  it('ignores X-Forwarded-For without trusted proxies', () => {
    expect(clientAddressResolver(undefined)('203.0.113.5', { 'x-forwarded-for': '198.51.100.1' })).toBe('203.0.113.5');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy (the client could forge it)', () => {
    expect(behindLb('203.0.113.5', { 'x-forwarded-for': '10.1.1.1' })).toBe('203.0.113.5');
  });

  it('takes the rightmost untrusted hop when the peer is a trusted proxy', () => {
    expect(behindLb('10.0.0.7', { 'x-forwarded-for': '198.51.100.1' })).toBe('198.51.100.1');
    // The client prepended a forged address; the proxies appended what they saw.
    expect(behindLb('10.0.0.7', { 'x-forwarded-for': '10.9.9.9, 198.51.100.1, 192.168.1.1' })).toBe('198.51.100.1');
    expect(behindLb('::ffff:10.0.0.7', { 'x-forwarded-for': '198.51.100.1' })).toBe('198.51.100.1');
  });

  it('joins repeated headers, and falls back sensibly when every hop is trusted or none is given', () => {
    expect(behindLb('10.0.0.7', { 'x-forwarded-for': ['198.51.100.1', '10.0.0.8'] as unknown as string })).toBe('198.51.100.1');
    expect(behindLb('10.0.0.7', { 'x-forwarded-for': '10.0.0.9, 10.0.0.8' })).toBe('10.0.0.9');
    expect(behindLb('10.0.0.7', {})).toBe('10.0.0.7');
  });
});
