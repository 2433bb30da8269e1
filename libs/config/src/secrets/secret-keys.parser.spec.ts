import { ConfigError } from '../config.error';
import { SecretBox } from './secret-box';
import { parseSecretKeys } from './secret-keys.parser';

const K1 = Buffer.alloc(32, 0x11).toString('base64');
const K2 = Buffer.alloc(32, 0x22).toString('base64');
const SHORT = Buffer.alloc(16, 0x33).toString('base64');
const LONG = Buffer.alloc(33, 0x44).toString('base64');

function problemsOf(value: string): readonly string[] {
  try {
    parseSecretKeys(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(parseSecretKeys.name, () => {
  it('reads the keys in order, the first one current', () => {
    const { keys, current } = parseSecretKeys(`k2:${K2},k1:${K1}`);
    expect(current).toBe('k2');
    expect([...keys.keys()]).toEqual(['k2', 'k1']);
    expect(keys.get('k1')).toEqual(Buffer.alloc(32, 0x11));
  });

  it('accepts spaces around entries, unpadded and URL-safe base64', () => {
    const urlSafe = Buffer.alloc(32, 0xfb).toString('base64url');
    expect(urlSafe).toMatch(/[-_]/);
    const { keys } = parseSecretKeys(` a : ${K1.replace(/=+$/, '')} , b:${urlSafe} `);
    expect(keys.get('a')).toEqual(Buffer.alloc(32, 0x11));
    expect(keys.get('b')).toEqual(Buffer.alloc(32, 0xfb));
  });

  it.each([
    ['a key of the wrong length', `k1:${SHORT}`, ['SWITCHYARD_SECRET_KEYS: entry 1 ("k1"): the key must be 32 bytes, got 16']],
    ['a key one byte too long', `k1:${LONG}`, ['SWITCHYARD_SECRET_KEYS: entry 1 ("k1"): the key must be 32 bytes, got 33']],
    ['a key that is not base64', `k1:${K1.slice(0, 20)}!${K1.slice(21)}`, ['SWITCHYARD_SECRET_KEYS: entry 1 ("k1"): the key is not base64']],
    ['padding in the middle', `k1:${K1.slice(0, 20)}=${K1.slice(21)}`, ['SWITCHYARD_SECRET_KEYS: entry 1 ("k1"): the key is not base64']],
    ['a duplicate id', `k1:${K1},k1:${K2}`, ['SWITCHYARD_SECRET_KEYS: entry 2 ("k1"): duplicate id']],
    ['an empty entry', `k2:${K2},,k1:${K1}`, ['SWITCHYARD_SECRET_KEYS: entry 2 is empty (expected <id>:<base64 key>)']],
    ['a trailing comma', `k1:${K1},`, ['SWITCHYARD_SECRET_KEYS: entry 2 is empty (expected <id>:<base64 key>)']],
    ['an empty key', 'k1:', ['SWITCHYARD_SECRET_KEYS: entry 1 ("k1"): the key is empty']],
    ['a key without an id', K1, ['SWITCHYARD_SECRET_KEYS: entry 1: expected <id>:<base64 key>']],
    ['an empty id', `:${K1}`, ['SWITCHYARD_SECRET_KEYS: entry 1: the id must be 1-32 letters, digits, "_" or "-"']],
    ['the key written before the id', `${K1}:k1`, ['SWITCHYARD_SECRET_KEYS: entry 1: the id must be 1-32 letters, digits, "_" or "-"']],
    ['an id with a space', `key one:${K1}`, ['SWITCHYARD_SECRET_KEYS: entry 1: the id must be 1-32 letters, digits, "_" or "-"']],
  ])('refuses %s, naming the entry', (_case, value, problems) => {
    expect(problemsOf(value)).toEqual(problems);
  });

  it('reports every bad entry at once', () => {
    expect(problemsOf(`k3:${SHORT},k2:${K2},k2:${K1},,nokey`)).toEqual([
      'SWITCHYARD_SECRET_KEYS: entry 1 ("k3"): the key must be 32 bytes, got 16',
      'SWITCHYARD_SECRET_KEYS: entry 3 ("k2"): duplicate id',
      'SWITCHYARD_SECRET_KEYS: entry 4 is empty (expected <id>:<base64 key>)',
      'SWITCHYARD_SECRET_KEYS: entry 5: expected <id>:<base64 key>',
    ]);
  });

  it('never echoes key material in its messages', () => {
    const values = [`k1:${SHORT}`, `k1:${LONG}`, `k1:${K1}!`, `k1:${K1},k1:${K2}`, K1, `${K1}:k1`, `k1${K1}`];
    for (const value of values) {
      const text = problemsOf(value).join('\n');
      for (const secret of [K1, K2, SHORT, LONG]) expect(text).not.toContain(secret.slice(0, 8));
    }
  });
});

describe(SecretBox.fromEnv.name, () => {
  it('is undefined when the variable is unset or blank', () => {
    expect(SecretBox.fromEnv(undefined)).toBeUndefined();
    expect(SecretBox.fromEnv('')).toBeUndefined();
    expect(SecretBox.fromEnv('  ')).toBeUndefined();
  });

  it('builds a box sealing with the first key and opening with all', () => {
    const sut = SecretBox.fromEnv(`k2:${K2},k1:${K1}`) as SecretBox;
    expect(sut.keyIds).toEqual(['k2', 'k1']);
    const older = SecretBox.fromEnv(`k1:${K1}`) as SecretBox;
    expect(sut.open(older.seal('sk-old', 'provider:p'), 'provider:p')).toBe('sk-old');
    expect(sut.keyIdOf(sut.seal('sk-new', 'provider:p'))).toBe('k2');
  });

  it('throws a ConfigError for a malformed value', () => {
    expect(() => SecretBox.fromEnv(`k1:${SHORT}`)).toThrow(
      new ConfigError(['SWITCHYARD_SECRET_KEYS: entry 1 ("k1"): the key must be 32 bytes, got 16']),
    );
  });
});
