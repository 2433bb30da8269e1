import { join } from 'node:path';
import { loadConfigFile } from './switchyard-config.loader';
import type { TenantConfig } from './switchyard-config.types';
import { configProblems } from './config-problems.testing';

const FIXTURE = join(__dirname, '__fixtures__', 'tenant-limits.yaml');
const EXAMPLE = join(__dirname, '..', '..', '..', 'switchyard.example.yaml');

/** The problems parseConfig reports for `text`; none when it is valid. */
const problemsOf = configProblems;

/** A file with one tenant `acme` whose one key carries `key` (a YAML flow mapping body). */
const withKey = (key: string, tenant = '') => `tenants: [{ id: acme, ${tenant} keys: [{ key: env:K, ${key} }] }]`;

describe('tenants and keys in switchyard.yaml', () => {
  it('reads every tenant and key field', async () => {
    const expected: TenantConfig = {
      id: 'acme',
      name: 'Acme Corp',
      rpm: 6000,
      tpm: 2_000_000,
      concurrency: 50,
      models: ['gpt-4o*', 'claude-*'],
      budget: { monthlyUsd: 5000, dailyUsd: 250.5 },
      regions: ['eu-west', 'us-east'],
      ips: ['10.0.0.0/8', '2001:db8::/32'],
      metadata: { team: 'platform', costCentre: 4711, internal: true },
      observability: { captureContent: true },
      keys: [
        {
          key: 'env:ACME_CI_KEY',
          name: 'ci',
          rpm: 600,
          tpm: 200_000,
          concurrency: 5,
          models: ['gpt-4o-mini'],
          budget: { dailyUsd: 20 },
          regions: ['eu-west'],
          ips: ['10.1.2.3'],
          metadata: { owner: 'alice@acme.test' },
          expiresAt: '2027-01-01T00:00:00Z',
        },
      ],
    };

    expect((await loadConfigFile(FIXTURE)).tenants).toEqual([expected]);
  });

  it('accepts the example file shipped with the repository, with the settings `npm run demo` sets', async () => {
    const config = await loadConfigFile(EXAMPLE, { outbound: { envPrefix: 'SWITCHYARD_UPSTREAM_', allowHttp: true, allowPrivate: true } });

    expect(config.tenants.length).toBeGreaterThan(0);
  });

  it('refuses the example file under the default outbound policy: its simulator is plain http on loopback', async () => {
    await expect(loadConfigFile(EXAMPLE)).rejects.toThrow('providers[0].baseUrl: a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true');
  });

  it.each([
    ['an expiry with a time zone offset', withKey('expiresAt: "2027-01-01T09:30:00+02:00"')],
    ['an expiry with fractions of a second', withKey('expiresAt: 2027-01-01T00:00:00.250Z')],
    ['a key region the tenant also allows', withKey('regions: [eu-west]', 'regions: [eu-west, us-east],')],
    ['key regions when the tenant allows any', withKey('regions: [ap-south]')],
    ['empty metadata', withKey('metadata: {}', 'metadata: {},')],
  ])('accepts %s', (_, text) => {
    expect(problemsOf(text)).toEqual([]);
  });

  it.each([
    ['a tenant concurrency of zero', 'tenants: [{ id: acme, concurrency: 0 }]', 'tenants[0].concurrency: expected at least 1, got 0'],
    ['a fractional tenant rpm', 'tenants: [{ id: acme, rpm: 1.5 }]', 'tenants[0].rpm: expected an integer, got 1.5'],
    ['a tpm beyond what the database stores', 'tenants: [{ id: acme, tpm: 3000000000 }]', 'tenants[0].tpm: expected at most 2147483647, got 3000000000'],
    ['provider options that are a list', 'providers: [{ id: p, type: openai, baseUrl: "http://x", options: [a] }]', 'providers[0].options: expected a mapping, got a list'],
    ['a misspelt tenant limit', 'tenants: [{ id: acme, maxConcurrency: 5 }]', 'tenants[0].maxConcurrency: unknown key'],
    ['content capture that is not a boolean', 'tenants: [{ id: acme, observability: { captureContent: yes please } }]', 'tenants[0].observability.captureContent: expected true or false, got a string'],
    ['content capture on a key (it is the tenant\'s)', withKey('observability: { captureContent: true }'), 'tenants[0].keys[0].observability: unknown key'],
    ['a tenant model pattern with a space', 'tenants: [{ id: acme, models: ["gpt 4o"] }]', 'tenants[0].models[0]: expected a model name or pattern (`*` matches any characters) without spaces'],
    ['a negative key budget', withKey('budget: { dailyUsd: -1 }'), 'tenants[0].keys[0].budget.dailyUsd: expected at least 0, got -1'],
    ['a misspelt key budget', withKey('budget: { weeklyUsd: 5 }'), 'tenants[0].keys[0].budget.weeklyUsd: unknown key'],
    ['a key concurrency that is not a number', withKey('concurrency: many'), 'tenants[0].keys[0].concurrency: expected a number, got a string'],
    ['nested metadata', withKey('metadata: { team: { name: x } }'), 'tenants[0].keys[0].metadata.team: expected a string, number or boolean'],
    ['an empty metadata label', withKey('metadata: { "": x }'), 'tenants[0].keys[0].metadata[""]: a label must not be empty'],
    ['metadata as a list', 'tenants: [{ id: acme, metadata: [a, b] }]', 'tenants[0].metadata: expected a mapping such as { team: platform }'],
    ['an expiry without a time', withKey('expiresAt: 2027-01-01'), 'tenants[0].keys[0].expiresAt: expected an ISO 8601 date-time with a time zone, such as 2027-01-01T00:00:00Z'],
    ['an expiry without a time zone', withKey('expiresAt: 2027-01-01T00:00:00'), 'tenants[0].keys[0].expiresAt: expected an ISO 8601 date-time with a time zone, such as 2027-01-01T00:00:00Z'],
    ['an expiry that is not a date', withKey('expiresAt: 2027-02-30T00:00:00Z'), 'tenants[0].keys[0].expiresAt: expected an ISO 8601 date-time with a time zone, such as 2027-01-01T00:00:00Z'],
    ['a key region with a space', withKey('regions: ["eu west"]'), 'tenants[0].keys[0].regions[0]: expected a name without spaces'],
    [
      'a key region its tenant does not allow',
      withKey('regions: [eu-west, us-west]', 'regions: [eu-west, us-east],'),
      `tenants[0].keys[0].regions[1]: region "us-west" is not one of the tenant's regions (eu-west, us-east)`,
    ],
  ])('names the path of %s', (_, text, expected) => {
    expect(problemsOf(text)).toEqual([`switchyard.yaml: ${expected}`]);
  });
});

