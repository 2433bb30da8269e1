import { SecretBox } from './secret-box';
import { SecretError } from './secret.error';
import { providerKeyContext, resolveUpstreamKey, sealUpstreamKey } from './upstream-key.resolver';

const PREFIX = 'SWITCHYARD_UPSTREAM_';
const ENV = { SWITCHYARD_UPSTREAM_OPENAI_KEY_1: 'sk-from-env', SWITCHYARD_UPSTREAM_EMPTY: '' };
const CONTEXT = providerKeyContext('openai-main');
const LITERAL = 'sk-literal-0123456789';
const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);
const boxK1 = new SecretBox(new Map([['k1', K1]]), 'k1');
const boxK2 = new SecretBox(
  new Map([
    ['k2', K2],
    ['k1', K1],
  ]),
  'k2',
);

describe(providerKeyContext.name, () => {
  it('names the provider record', () => {
    expect(providerKeyContext('openai-main')).toBe('provider:openai-main');
  });
});

describe(resolveUpstreamKey.name, () => {
  it('reads env: references as before, with or without a box', () => {
    expect(resolveUpstreamKey('env:SWITCHYARD_UPSTREAM_OPENAI_KEY_1', CONTEXT, { box: undefined, envPrefix: PREFIX, env: ENV })).toBe('sk-from-env');
    expect(resolveUpstreamKey('env:SWITCHYARD_UPSTREAM_OPENAI_KEY_1', CONTEXT, { box: boxK1, envPrefix: PREFIX, env: ENV })).toBe('sk-from-env');
    expect(resolveUpstreamKey('env:SWITCHYARD_UPSTREAM_MISSING', CONTEXT, { box: boxK1, envPrefix: PREFIX, env: ENV })).toBeUndefined();
    expect(resolveUpstreamKey('env:SWITCHYARD_UPSTREAM_EMPTY', CONTEXT, { box: boxK1, envPrefix: PREFIX, env: ENV })).toBeUndefined();
  });

  it('refuses, without reading it, a variable outside the upstream prefix: the gateway\'s own settings never go upstream', () => {
    const env = { ...ENV, SWITCHYARD_SECRET_KEYS: 'k1:master', SWITCHYARD_ADMIN_TOKEN: 'admin' };

    for (const name of ['SWITCHYARD_SECRET_KEYS', 'SWITCHYARD_ADMIN_TOKEN', 'OPENAI_KEY_1']) {
      expect(() => resolveUpstreamKey(`env:${name}`, CONTEXT, { box: boxK1, envPrefix: PREFIX, env })).toThrow(SecretError);
      expect(() => resolveUpstreamKey(`env:${name}`, CONTEXT, { box: boxK1, envPrefix: PREFIX, env })).toThrow(`provider:openai-main: env:${name} is outside SWITCHYARD_OUTBOUND_ENV_PREFIX (SWITCHYARD_UPSTREAM_)`);
    }
  });

  it('follows the prefix it is given, not one set in the environment it reads keys from', () => {
    const env = { SWITCHYARD_OUTBOUND_ENV_PREFIX: 'SWITCHYARD_UPSTREAM_', LLM_OPENAI: 'sk-llm', SWITCHYARD_UPSTREAM_X: 'sk-x' };

    expect(resolveUpstreamKey('env:LLM_OPENAI', CONTEXT, { box: undefined, envPrefix: 'LLM_', env })).toBe('sk-llm');
    expect(() => resolveUpstreamKey('env:SWITCHYARD_UPSTREAM_X', CONTEXT, { box: undefined, envPrefix: 'LLM_', env })).toThrow(SecretError);
  });

  it('reads process.env by default', () => {
    process.env['SWITCHYARD_UPSTREAM_SPEC_KEY'] = 'from-process';
    try {
      expect(resolveUpstreamKey('env:SWITCHYARD_UPSTREAM_SPEC_KEY', CONTEXT, { box: undefined, envPrefix: PREFIX })).toBe('from-process');
    } finally {
      delete process.env['SWITCHYARD_UPSTREAM_SPEC_KEY'];
    }
  });

  it('opens a sealed value for its provider', () => {
    expect(resolveUpstreamKey(boxK1.seal(LITERAL, CONTEXT), CONTEXT, { box: boxK1, envPrefix: PREFIX, env: ENV })).toBe(LITERAL);
  });

  it('refuses a sealed value moved to another provider', () => {
    const sealed = boxK1.seal(LITERAL, CONTEXT);
    expect(() => resolveUpstreamKey(sealed, providerKeyContext('openai-backup'), { box: boxK1, envPrefix: PREFIX, env: ENV })).toThrow(SecretError);
  });

  it('names SWITCHYARD_SECRET_KEYS when a sealed value reaches a process without keys', () => {
    expect(() => resolveUpstreamKey(boxK1.seal(LITERAL, CONTEXT), CONTEXT, { box: undefined, envPrefix: PREFIX, env: ENV })).toThrow(
      new SecretError('provider:openai-main: the upstream key is sealed, but SWITCHYARD_SECRET_KEYS is not set in this process'),
    );
  });

  it('never sends a malformed sealed value upstream as if it were a literal', () => {
    expect(() => resolveUpstreamKey('enc:v2:k1:AAAA', CONTEXT, { box: boxK1, envPrefix: PREFIX, env: ENV })).toThrow(
      new SecretError('provider:openai-main: unsupported sealed value format (expected enc:v1:…)'),
    );
  });

  it('keeps a literal as it is, for configurations written before sealing existed', () => {
    expect(resolveUpstreamKey(LITERAL, CONTEXT, { box: undefined, envPrefix: PREFIX, env: ENV })).toBe(LITERAL);
    expect(resolveUpstreamKey(LITERAL, CONTEXT, { box: boxK1, envPrefix: PREFIX, env: ENV })).toBe(LITERAL);
  });
});

describe(sealUpstreamKey.name, () => {
  it('stores env: references as written', () => {
    expect(sealUpstreamKey('env:SWITCHYARD_UPSTREAM_OPENAI_KEY_1', boxK1, CONTEXT)).toBe('env:SWITCHYARD_UPSTREAM_OPENAI_KEY_1');
    expect(sealUpstreamKey('env:SWITCHYARD_UPSTREAM_OPENAI_KEY_1', undefined, CONTEXT)).toBe('env:SWITCHYARD_UPSTREAM_OPENAI_KEY_1');
  });

  it('seals a literal for its provider when a box is configured', () => {
    const stored = sealUpstreamKey(LITERAL, boxK1, CONTEXT);
    expect(stored).toMatch(/^enc:v1:k1:/);
    expect(resolveUpstreamKey(stored, CONTEXT, { box: boxK1, envPrefix: PREFIX, env: ENV })).toBe(LITERAL);
  });

  it('keeps a literal as it is without a box', () => {
    expect(sealUpstreamKey(LITERAL, undefined, CONTEXT)).toBe(LITERAL);
  });

  it('stores a sealed value as given, without needing or using the keys', () => {
    const sealed = boxK1.seal(LITERAL, CONTEXT);
    expect(sealUpstreamKey(sealed, undefined, CONTEXT)).toBe(sealed);
    expect(sealUpstreamKey(sealed, boxK2, CONTEXT)).toBe(sealed);
  });

  it('refuses a malformed sealed value at once rather than at call time', () => {
    expect(() => sealUpstreamKey('enc:v1:k1', boxK1, CONTEXT)).toThrow(
      new SecretError('provider:openai-main: unsupported sealed value format (expected enc:v1:…)'),
    );
  });

  it('reuses the stored value for the same literal, so applying twice changes nothing', () => {
    const first = sealUpstreamKey(LITERAL, boxK1, CONTEXT);
    const other = boxK1.seal('sk-other', CONTEXT);
    expect(sealUpstreamKey(LITERAL, boxK1, CONTEXT, ['env:X', other, first])).toBe(first);
  });

  it('seals afresh when no stored value holds the literal for this provider', () => {
    const elsewhere = boxK1.seal(LITERAL, providerKeyContext('openai-backup'));
    const stored = sealUpstreamKey(LITERAL, boxK1, CONTEXT, [elsewhere, boxK1.seal('sk-other', CONTEXT), 'not-sealed']);
    expect(stored).not.toBe(elsewhere);
    expect(boxK1.open(stored, CONTEXT)).toBe(LITERAL);
  });

  it('re-seals a value stored under an older key, which is how apply rotates keys', () => {
    const underK1 = sealUpstreamKey(LITERAL, boxK1, CONTEXT);
    const rotated = sealUpstreamKey(LITERAL, boxK2, CONTEXT, [underK1]);
    expect(boxK2.keyIdOf(rotated)).toBe('k2');
    expect(boxK2.open(rotated, CONTEXT)).toBe(LITERAL);
  });

  it('ignores stored values sealed with a key no longer held', () => {
    const lost = new SecretBox(new Map([['k0', Buffer.alloc(32, 9)]]), 'k0').seal(LITERAL, CONTEXT);
    expect(boxK1.keyIdOf(sealUpstreamKey(LITERAL, boxK1, CONTEXT, [lost]))).toBe('k1');
  });
});
