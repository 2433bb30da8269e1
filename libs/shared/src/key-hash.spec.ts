import { hashKey } from './key-hash';

describe(hashKey.name, () => {
  it('is the sha256 hex of the whole key', () => {
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('tells keys apart that differ only in case or a trailing space', () => {
    expect(new Set([hashKey('sk-sy-abc'), hashKey('sk-sy-ABC'), hashKey('sk-sy-abc ')]).size).toBe(3);
  });
});
