import { ANY_ORIGIN, normalizeOrigin } from './cors-origin';

describe(normalizeOrigin.name, () => {
  it('serialises an origin as browsers send it: lower case, default port and trailing slash dropped', () => {
    expect(normalizeOrigin('HTTPS://App.Example.com:443/')).toBe('https://app.example.com');
    expect(normalizeOrigin('http://localhost:5173')).toBe('http://localhost:5173');
  });

  it('keeps the wildcard', () => {
    expect(normalizeOrigin(ANY_ORIGIN)).toBe('*');
  });

  it.each(['app.example.com', 'ftp://example.com', 'https://example.com/app', 'https://u:p@example.com', 'https://example.com?x=1', 'null', ''])('refuses %j', (value) => {
    expect(normalizeOrigin(value)).toBeUndefined();
  });
});
