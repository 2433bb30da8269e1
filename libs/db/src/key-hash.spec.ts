import { hashKey, keyPrefix } from './key-hash';

describe('hashKey', () => {
  it('is the sha256 hex of the whole key, as virtual_keys.hash stores it', () => {
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('keyPrefix', () => {
  it('keeps the first 12 characters', () => {
    expect(keyPrefix('sk-sy-acme-0123456789')).toBe('sk-sy-acme-0');
    expect(keyPrefix('short')).toBe('short');
  });
});
