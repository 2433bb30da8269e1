import { isAdmin } from './admin-token';

describe(isAdmin.name, () => {
  it('accepts exactly the configured bearer token', () => {
    expect(isAdmin('Bearer s3cret-admin', 's3cret-admin')).toBe(true);
    expect(isAdmin('bearer s3cret-admin', 's3cret-admin')).toBe(true);
    expect(isAdmin('Bearer s3cret-admiN', 's3cret-admin')).toBe(false);
    expect(isAdmin('Bearer s3cret', 's3cret-admin')).toBe(false);
    expect(isAdmin('Bearer s3cret-admin-and-more', 's3cret-admin')).toBe(false);
    expect(isAdmin('s3cret-admin', 's3cret-admin')).toBe(false);
    expect(isAdmin('Basic s3cret-admin', 's3cret-admin')).toBe(false);
    expect(isAdmin(undefined, 's3cret-admin')).toBe(false);
  });

  it('refuses everything when no token is configured', () => {
    expect(isAdmin('Bearer anything', undefined)).toBe(false);
    expect(isAdmin('Bearer ', '')).toBe(false);
  });
});
