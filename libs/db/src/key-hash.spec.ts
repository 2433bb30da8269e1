import { hashKey, keyPrefix } from './key-hash';

describe('hashKey', () => {
  it('is the sha256 hex of the whole key, as virtual_keys.hash stores it', () => {
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('keyPrefix', () => {
  it.each([
    // Our generated keys: sk-sy- + 43 base64url characters.
    ['sk-sy-AbCdEfGh1234567890abcdefghijklmnopqrstu-_', 'sk-sy-AbCdEf'],
    ['sk-demo-switchyard-local-demo-key', 'sk-demo-swit'],
    ['sk-proj-0123456789abcdef0123456789', 'sk-proj-0123'],
    ['sk-0123456789abcdef0123456789abcdef', 'sk-01234567'],
    // A random part with an early `-` is not a family word: at most 8 characters after `sk-`.
    ['sk-A1-b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6', 'sk-A1-b2c3d'],
    ['sk-ab3-cdefghijklmnopqrstuvwxyz012345', 'sk-ab3-cdef'],
    // A family word as long as allowed: nothing of the secret beyond 12 characters in all.
    ['sk-abcdefgh-0123456789abcdef0123456789', 'sk-abcdefgh-'],
    // No family prefix: 8 characters.
    ['0123456789abcdef0123456789abcdef', '01234567'],
    ['short', 'short'],
  ])('keeps at most 8 characters after the family prefix of %s, and 12 in all', (key, expected) => {
    expect(keyPrefix(key)).toBe(expected);
  });
});
