import { ConfigError } from '../config.error';
import { parseConfig } from '../switchyard-config.loader';
import { enforceEnvReferences, envReferencesOf, unresolvedEnvReferences, withoutUnresolvedTenantKeys } from './env-references.check';

const KEY = 'sk-literal-tenant-key-0123456789abcdef';
const config = parseConfig(
  `
server: { adminToken: env:ADMIN_TOKEN }
providers:
  - { id: a, type: openai, baseUrl: 'https://api.openai.com/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_A, literal-upstream-key] }
  - { id: b, type: openai, baseUrl: 'https://api.openai.com/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_A] }
tenants:
  - { id: acme, keys: [{ key: env:ACME_KEY }, { key: ${KEY} }] }
`,
  'switchyard.yaml',
);

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('env: references of switchyard.yaml', () => {
  it('lists every reference with where it is, never a literal', () => {
    expect(envReferencesOf(config)).toEqual([
      { variable: 'ADMIN_TOKEN', path: 'server.adminToken' },
      { variable: 'SWITCHYARD_UPSTREAM_A', path: 'providers[0].apiKeys[0]' },
      { variable: 'SWITCHYARD_UPSTREAM_A', path: 'providers[1].apiKeys[0]' },
      { variable: 'ACME_KEY', path: 'tenants[0].keys[0].key' },
    ]);
  });

  it('leaves the admin token out when SWITCHYARD_ADMIN_TOKEN replaces it', () => {
    expect(envReferencesOf(config, { skipAdminToken: true }).map((r) => r.path)).not.toContain('server.adminToken');
  });

  it('leaves upstream keys out for apply, which stores their references (a cluster hook Job has none)', () => {
    expect(envReferencesOf(config, { skipAdminToken: true, skipUpstreamKeys: true })).toEqual([{ variable: 'ACME_KEY', path: 'tenants[0].keys[0].key' }]);
  });

  it('counts an empty variable as unresolved', () => {
    const env = { ADMIN_TOKEN: 'x'.repeat(40), SWITCHYARD_UPSTREAM_A: '', ACME_KEY: 'y'.repeat(40) };

    expect(unresolvedEnvReferences(config, { env }).map((r) => r.variable)).toEqual(['SWITCHYARD_UPSTREAM_A', 'SWITCHYARD_UPSTREAM_A']);
  });

  it('stops the start naming each missing variable once, with every place that needs it', () => {
    const problems = problemsOf(() => enforceEnvReferences(config, 'switchyard.yaml', { env: { ACME_KEY: 'y'.repeat(40) }, allowUnresolved: false }));

    expect(problems).toEqual([
      'switchyard.yaml: environment variable ADMIN_TOKEN is not set (needed by server.adminToken)',
      'switchyard.yaml: environment variable SWITCHYARD_UPSTREAM_A is not set (needed by providers[0].apiKeys[0], providers[1].apiKeys[0])',
      'set them, or set SWITCHYARD_ALLOW_UNRESOLVED_ENV=true to start anyway (see docs/architecture.md §4)',
    ]);
  });

  it('passes silently when every variable is set', () => {
    const env = { ADMIN_TOKEN: 'x'.repeat(40), SWITCHYARD_UPSTREAM_A: 'sk-up', ACME_KEY: 'y'.repeat(40) };

    expect(enforceEnvReferences(config, 'switchyard.yaml', { env, allowUnresolved: false })).toEqual([]);
  });

  it('with the explicit setting, returns the same names as warnings and says what starting anyway means', () => {
    const warnings = enforceEnvReferences(config, 'switchyard.yaml', { env: {}, allowUnresolved: true });

    expect(warnings.slice(0, 3)).toEqual([
      'switchyard.yaml: environment variable ADMIN_TOKEN is not set (needed by server.adminToken)',
      'switchyard.yaml: environment variable SWITCHYARD_UPSTREAM_A is not set (needed by providers[0].apiKeys[0], providers[1].apiKeys[0])',
      'switchyard.yaml: environment variable ACME_KEY is not set (needed by tenants[0].keys[0].key)',
    ]);
    expect(warnings[3]).toMatch(/^SWITCHYARD_ALLOW_UNRESOLVED_ENV=true: starting anyway/);
  });

  it('drops only the tenant keys that do not resolve, for a start allowed to go on', () => {
    expect(withoutUnresolvedTenantKeys(config, {}).tenants[0]?.keys.map((k) => k.key)).toEqual([KEY]);
    expect(withoutUnresolvedTenantKeys(config, { ACME_KEY: 'y'.repeat(40) }).tenants[0]?.keys).toHaveLength(2);
  });
});
