import { parseDataUrl } from './json-guards';

describe(parseDataUrl.name, () => {
  it('splits a base64 data URL into media type and payload', () => {
    expect(parseDataUrl('data:image/jpeg;base64,/9j/4AAQSkZJRg==')).toStrictEqual({ mediaType: 'image/jpeg', data: '/9j/4AAQSkZJRg==' });
  });

  it.each(['https://example.com/cat.png', 'data:text/plain,hello', 'data:image/png;base64'])('gives undefined for %s', (url) => {
    expect(parseDataUrl(url)).toBeUndefined();
  });
});
