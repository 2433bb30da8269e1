import { SecretBox, providerKeyContext } from '@switchyard/config';
import { randomBytes } from 'node:crypto';
import { AdminError } from '../http/admin.error';
import { sealProviderKeys } from './upstream-keys.sealer';

const box = new SecretBox(new Map([['k1', randomBytes(32)]]), 'k1');
const LITERAL = 'sk-upstream-literal-0123456789';

describe(sealProviderKeys.name, () => {
  it('keeps env: references and seals literals for their provider', () => {
    const [ref, sealed] = sealProviderKeys('openai-main', ['env:OPENAI_KEY', LITERAL], box);
    expect(ref).toBe('env:OPENAI_KEY');
    expect(sealed).toMatch(/^enc:v1:k1:/);
    expect(sealed).not.toContain(LITERAL);
    expect(box.open(sealed ?? '', providerKeyContext('openai-main'))).toBe(LITERAL);
  });

  it('refuses a literal when the server has no secret keys, without echoing it', () => {
    let error: unknown;
    try {
      sealProviderKeys('openai-main', ['env:A', LITERAL], undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AdminError);
    expect((error as AdminError).status).toBe(400);
    expect((error as AdminError).message).toMatch(/^apiKeys\[1\]: .*SWITCHYARD_SECRET_KEYS/);
    expect((error as AdminError).message).not.toContain(LITERAL);
  });

  it('accepts env: references without secret keys', () => {
    expect(sealProviderKeys('p', ['env:A'], undefined)).toEqual(['env:A']);
  });

  it('keeps the stored sealed value when the same literal is sent again', () => {
    const [first] = sealProviderKeys('p', [LITERAL], box);
    expect(sealProviderKeys('p', [LITERAL], box, [first ?? ''])).toEqual([first]);
  });

  it('refuses a malformed sealed value as a 400 naming the entry', () => {
    expect(() => sealProviderKeys('p', ['enc:v9:nope'], box)).toThrow(/^apiKeys\[0\]: /);
  });
});
