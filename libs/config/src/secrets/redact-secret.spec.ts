import { describeUpstreamKey, redactSecret } from './redact-secret';
import { SecretBox } from './secret-box';

describe(redactSecret.name, () => {
  it('keeps a 4-character prefix and the length of a long key', () => {
    const key = `sk-a${'x'.repeat(47)}`;
    expect(redactSecret(key)).toBe('sk-a…(redacted, 51 chars)');
  });

  it('never shows more than 4 characters, however long the value', () => {
    expect(redactSecret('A'.repeat(200))).toBe('AAAA…(redacted, 200 chars)');
  });

  it.each([
    ['', '…(redacted, 0 chars)'],
    ['abc', '…(redacted, 3 chars)'],
    ['abcdefg', '…(redacted, 7 chars)'],
    ['abcdefgh', 'a…(redacted, 8 chars)'],
    ['abcdefghijklmnop', 'ab…(redacted, 16 chars)'],
    ['abcdefghijklmnopqrstuvwx', 'abc…(redacted, 24 chars)'],
    ['abcdefghijklmnopqrstuvwxyz012345', 'abcd…(redacted, 32 chars)'],
  ])('shows at most an eighth of a short value: %j → %j', (value, shown) => {
    expect(redactSecret(value)).toBe(shown);
  });

  it('counts and cuts in characters, not UTF-16 units', () => {
    expect(redactSecret('🔑🔑🔑🔑🔑🔑🔑🔑')).toBe('🔑…(redacted, 8 chars)');
  });
});

describe(describeUpstreamKey.name, () => {
  it('shows an env: reference as written', () => {
    expect(describeUpstreamKey('env:OPENAI_KEY_1')).toBe('env:OPENAI_KEY_1');
  });

  it('shows a sealed value by its header only', () => {
    const box = new SecretBox(new Map([['k2', Buffer.alloc(32, 2)]]), 'k2');
    expect(describeUpstreamKey(box.seal('sk-secret-value', 'provider:p'))).toBe('enc:v1:k2:…');
  });

  it('redacts a literal and anything merely marked enc:', () => {
    expect(describeUpstreamKey(`sk-a${'x'.repeat(47)}`)).toBe('sk-a…(redacted, 51 chars)');
    expect(describeUpstreamKey('enc:v9:whatever-this-is')).toBe('en…(redacted, 23 chars)');
  });
});
