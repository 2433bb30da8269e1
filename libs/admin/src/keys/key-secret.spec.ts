import { hashKey } from '@switchyard/shared';
import { newKeySecret } from './key-secret';

describe(newKeySecret.name, () => {
  it('makes sk-sy- plus 43 base64url characters, stored as sha256 hex and a 12-character prefix (sk-sy- and 6)', () => {
    const { secret, hash, prefix } = newKeySecret();
    expect(secret).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashKey(secret));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(prefix).toBe(secret.slice(0, 12));
  });

  it('never repeats', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => newKeySecret().secret));
    expect(secrets.size).toBe(1000);
  });
});
