import { inspect } from 'node:util';
import { SecretBox } from './secret-box';
import { SecretError } from './secret.error';

const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);
const CONTEXT = 'provider:openai-main';
const PLAINTEXT = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH';

function box(current: 'k1' | 'k2', ...ids: ('k1' | 'k2')[]): SecretBox {
  const all = { k1: K1, k2: K2 };
  return new SecretBox(new Map(ids.map((id) => [id, all[id]])), current);
}

/** The sealed value with one byte of its decoded body flipped. */
function flip(sealed: string, index: (length: number) => number): string {
  const cut = sealed.lastIndexOf(':') + 1;
  const body = Buffer.from(sealed.slice(cut), 'base64url');
  const at = index(body.length);
  body[at] = (body[at] as number) ^ 0x01;
  return sealed.slice(0, cut) + body.toString('base64url');
}

function errorOf(fn: () => unknown): SecretError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  throw new Error('expected a SecretError');
}

describe(SecretBox.name, () => {
  const sut = box('k1', 'k1');

  it('opens what it sealed', () => {
    expect(sut.open(sut.seal(PLAINTEXT, CONTEXT), CONTEXT)).toBe(PLAINTEXT);
  });

  it('round-trips text outside ASCII', () => {
    expect(sut.open(sut.seal('clé-🔑', CONTEXT), CONTEXT)).toBe('clé-🔑');
  });

  it('writes enc:v1:<keyId>:<base64url of iv, ciphertext and tag>', () => {
    const sealed = sut.seal(PLAINTEXT, CONTEXT);
    expect(sealed).toMatch(/^enc:v1:k1:[A-Za-z0-9_-]+$/);
    const body = Buffer.from(sealed.slice('enc:v1:k1:'.length), 'base64url');
    expect(body.length).toBe(12 + PLAINTEXT.length + 16);
    expect(sealed).not.toContain(PLAINTEXT);
  });

  it('uses a fresh IV for every seal, so equal plaintexts seal differently', () => {
    const a = sut.seal(PLAINTEXT, CONTEXT);
    const b = sut.seal(PLAINTEXT, CONTEXT);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(10), 'base64url').subarray(0, 12)).not.toEqual(Buffer.from(b.slice(10), 'base64url').subarray(0, 12));
    expect([sut.open(a, CONTEXT), sut.open(b, CONTEXT)]).toEqual([PLAINTEXT, PLAINTEXT]);
  });

  it.each([
    ['the IV', () => 0],
    ['the last IV byte', () => 11],
    ['the ciphertext', () => 12],
    ['the tag', (length: number) => length - 1],
  ])('detects a flipped byte in %s', (_part, index) => {
    const tampered = flip(sut.seal(PLAINTEXT, CONTEXT), index);
    expect(() => sut.open(tampered, CONTEXT)).toThrow(
      new SecretError('provider:openai-main: the sealed value does not open: it was altered, or sealed for another record'),
    );
  });

  it('refuses a value sealed for another record', () => {
    const sealed = sut.seal(PLAINTEXT, 'provider:openai-main');
    expect(() => sut.open(sealed, 'provider:openai-backup')).toThrow(
      new SecretError('provider:openai-backup: the sealed value does not open: it was altered, or sealed for another record'),
    );
  });

  it('refuses a value relabelled with another key id, even when that key is held', () => {
    const both = box('k1', 'k1', 'k2');
    const relabelled = both.seal(PLAINTEXT, CONTEXT).replace('enc:v1:k1:', 'enc:v1:k2:');
    expect(() => both.open(relabelled, CONTEXT)).toThrow(SecretError);
  });

  it('names a key id it does not hold', () => {
    const sealed = box('k2', 'k2').seal(PLAINTEXT, CONTEXT);
    expect(() => sut.open(sealed, CONTEXT)).toThrow(
      new SecretError('provider:openai-main: sealed with key "k2", which SWITCHYARD_SECRET_KEYS does not hold'),
    );
  });

  it('keeps opening values sealed with an older key after rotation, and seals with the new one', () => {
    const before = box('k1', 'k1');
    const sealedWithK1 = before.seal(PLAINTEXT, CONTEXT);
    const after = box('k2', 'k2', 'k1');

    expect(after.open(sealedWithK1, CONTEXT)).toBe(PLAINTEXT);
    const sealedWithK2 = after.seal(PLAINTEXT, CONTEXT);
    expect(after.keyIdOf(sealedWithK2)).toBe('k2');
    expect(after.open(sealedWithK2, CONTEXT)).toBe(PLAINTEXT);
    expect(() => before.open(sealedWithK2, CONTEXT)).toThrow(SecretError);
  });

  it('tells what is not a sealed value without echoing it', () => {
    const error = errorOf(() => sut.open(PLAINTEXT, CONTEXT));
    expect(error.message).toBe('provider:openai-main: not a sealed value');
  });

  it('refuses other versions and malformed sealed values', () => {
    expect(() => sut.open('enc:v2:k1:AAAA', CONTEXT)).toThrow(
      new SecretError('provider:openai-main: unsupported sealed value format (expected enc:v1:…)'),
    );
    expect(() => sut.open('enc:v1:k1:not base64!', CONTEXT)).toThrow(
      new SecretError('provider:openai-main: unsupported sealed value format (expected enc:v1:…)'),
    );
  });

  it('refuses a truncated value and a non-canonical spelling', () => {
    const sealed = sut.seal(PLAINTEXT, CONTEXT);
    const truncated = `enc:v1:k1:${Buffer.alloc(28).toString('base64url')}`;
    const message = 'provider:openai-main: the sealed value is truncated or malformed';
    expect(() => sut.open(truncated, CONTEXT)).toThrow(new SecretError(message));
    // 79 bytes end in a 2-character group whose last 4 bits are unused: changing them gives
    // another spelling of the same bytes, which Node would decode without a word.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sealed.slice(-1));
    const respelt = sealed.slice(0, -1) + alphabet.charAt(last ^ 1);
    expect(Buffer.from(respelt.slice(10), 'base64url')).toEqual(Buffer.from(sealed.slice(10), 'base64url'));
    expect(() => sut.open(respelt, CONTEXT)).toThrow(new SecretError(message));
  });

  it('puts no plaintext and no key material in any error message', () => {
    const sealed = sut.seal(PLAINTEXT, CONTEXT);
    const messages = [
      errorOf(() => sut.open(flip(sealed, () => 20), CONTEXT)).message,
      errorOf(() => sut.open(sealed, 'provider:other')).message,
      errorOf(() => box('k2', 'k2').open(sealed, CONTEXT)).message,
      errorOf(() => sut.open(PLAINTEXT, CONTEXT)).message,
    ];
    for (const message of messages) {
      expect(message).not.toContain(PLAINTEXT.slice(0, 8));
      expect(message).not.toContain(K1.toString('base64').slice(0, 8));
      expect(message).not.toContain(sealed.slice(10, 18));
    }
  });

  it('refuses to seal an empty value or without a context', () => {
    expect(() => sut.seal('', CONTEXT)).toThrow(new SecretError('provider:openai-main: refusing to seal an empty value'));
    expect(() => sut.seal(PLAINTEXT, '')).toThrow(new SecretError('a sealed value needs a context naming its record'));
    expect(() => sut.open(sut.seal(PLAINTEXT, CONTEXT), '')).toThrow(new SecretError('a sealed value needs a context naming its record'));
  });

  it('tells sealed values by their shape and reads their key id', () => {
    const sealed = sut.seal(PLAINTEXT, CONTEXT);
    expect(sut.isSealed(sealed)).toBe(true);
    expect(sut.isSealed(box('k2', 'k2').seal(PLAINTEXT, CONTEXT))).toBe(true);
    expect(sut.isSealed(PLAINTEXT)).toBe(false);
    expect(sut.isSealed('env:OPENAI_KEY')).toBe(false);
    expect(sut.isSealed('enc:v2:k1:AAAA')).toBe(false);
    expect(sut.keyIdOf(sealed)).toBe('k1');
    expect(sut.keyIdOf(PLAINTEXT)).toBeUndefined();
  });

  it('lists its key ids, the current one first', () => {
    const sut2 = new SecretBox(
      new Map([
        ['k1', K1],
        ['k2', K2],
      ]),
      'k2',
    );
    expect(sut2.currentKeyId).toBe('k2');
    expect(sut2.keyIds).toEqual(['k2', 'k1']);
  });

  it('shows key ids only when logged, inspected or serialised', () => {
    const sut2 = box('k2', 'k2', 'k1');
    const shown = [inspect(sut2, { showHidden: true, depth: 10 }), JSON.stringify(sut2), `${String(sut2)}`];
    expect(shown[0]).toBe("SecretBox { current: 'k2', keyIds: ['k2', 'k1'] }");
    expect(shown[1]).toBe('{"current":"k2","keyIds":["k2","k1"]}');
    for (const text of shown) {
      expect(text).not.toContain(K1.toString('base64').slice(0, 8));
      expect(text).not.toContain(K2.toString('base64').slice(0, 8));
      expect(text).not.toContain(K2.toString('hex').slice(0, 8));
    }
  });

  it('is not affected by later changes to the buffers it was given', () => {
    const key = Buffer.alloc(32, 7);
    const sut2 = new SecretBox(new Map([['k7', key]]), 'k7');
    const sealed = sut2.seal(PLAINTEXT, CONTEXT);
    key.fill(0);
    expect(sut2.open(sealed, CONTEXT)).toBe(PLAINTEXT);
  });

  it('validates its keys without echoing them', () => {
    expect(() => new SecretBox(new Map([['k1', Buffer.alloc(16, 9)]]), 'k1')).toThrow(
      new SecretError('secret key "k1" must be 32 bytes, got 16'),
    );
    expect(() => new SecretBox(new Map([['k:1', K1]]), 'k:1')).toThrow(
      new SecretError('secret key ids must be 1-32 letters, digits, "_" or "-"'),
    );
    expect(() => new SecretBox(new Map([['k1', K1]]), 'k2')).toThrow(new SecretError('the current secret key "k2" is not among the keys'));
    expect(() => new SecretBox(new Map(), 'k1')).toThrow(new SecretError('the current secret key "k1" is not among the keys'));
  });

  it('generates keys that fromEnv accepts', () => {
    const key = SecretBox.generateKey();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(SecretBox.generateKey()).not.toBe(key);
    const generated = SecretBox.fromEnv(`k9:${key}`) as SecretBox;
    expect(generated.open(generated.seal(PLAINTEXT, CONTEXT), CONTEXT)).toBe(PLAINTEXT);
  });
});
