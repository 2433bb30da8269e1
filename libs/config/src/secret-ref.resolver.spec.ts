import { ConfigError } from './config.error';
import { requireSecret, resolveSecret } from './secret-ref.resolver';

const ENV = { OPENAI_KEY_1: 'sk-from-env', EMPTY: '' };

describe(resolveSecret.name, () => {
  it('reads an env: reference from the environment', () => {
    expect(resolveSecret('env:OPENAI_KEY_1', ENV)).toBe('sk-from-env');
  });

  it('gives undefined for an unset or empty variable', () => {
    expect(resolveSecret('env:MISSING', ENV)).toBeUndefined();
    expect(resolveSecret('env:EMPTY', ENV)).toBeUndefined();
  });

  it('takes any other string as the literal value', () => {
    expect(resolveSecret('sk-literal', ENV)).toBe('sk-literal');
    expect(resolveSecret('ENV:OPENAI_KEY_1', ENV)).toBe('ENV:OPENAI_KEY_1');
  });

  it('reads process.env by default', () => {
    process.env['SWITCHYARD_SPEC_SECRET'] = 'from-process';
    try {
      expect(resolveSecret('env:SWITCHYARD_SPEC_SECRET')).toBe('from-process');
    } finally {
      delete process.env['SWITCHYARD_SPEC_SECRET'];
    }
  });
});

describe(requireSecret.name, () => {
  it('returns the value when it is set', () => {
    expect(requireSecret('env:OPENAI_KEY_1', 'providers[0].apiKeys[0]', ENV)).toBe('sk-from-env');
  });

  it('names the variable and what needed it when it is missing', () => {
    expect(() => requireSecret('env:OPENAI_KEY_2', 'provider openai-main', ENV)).toThrow(
      new ConfigError(['provider openai-main: environment variable OPENAI_KEY_2 is not set']),
    );
  });
});
