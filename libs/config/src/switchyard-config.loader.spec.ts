import { join } from 'node:path';
import { ConfigError } from './config.error';
import { loadConfigFile, parseConfig } from './switchyard-config.loader';
import { DEFAULT_ROUTING, SwitchyardConfig } from './switchyard-config.types';

const FIXTURE = join(__dirname, '__fixtures__', 'valid.yaml');

function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, 'switchyard.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

// One declared provider, for the cases that need something to point at.
const PROVIDERS = 'providers: [{ id: openai-main, type: openai, baseUrl: https://api.openai.com/v1 }]';

describe(parseConfig.name, () => {
  it('reads the example of docs/architecture.md §4 and applies the defaults', async () => {
    const expected: SwitchyardConfig = {
      configOwnership: 'file',
      server: { port: 8080, adminToken: 'env:SWITCHYARD_ADMIN_TOKEN', region: 'eu-west' },
      routing: DEFAULT_ROUTING,
      providers: [
        {
          id: 'openai-main',
          type: 'openai',
          baseUrl: 'https://api.openai.com/v1',
          apiKeys: ['env:SWITCHYARD_UPSTREAM_OPENAI_KEY_1', 'env:SWITCHYARD_UPSTREAM_OPENAI_KEY_2'],
          region: 'us-east',
        },
        { id: 'anthropic-main', type: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKeys: ['env:SWITCHYARD_UPSTREAM_ANTHROPIC_KEY'] },
      ],
      models: [
        {
          name: 'gpt-4o-mini',
          deployments: [{ provider: 'openai-main', model: 'gpt-4o-mini-2024-07-18', weight: 3, priority: 0 }],
          fallbacks: ['claude-haiku'],
          strategy: 'weighted',
          price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
        },
        {
          name: 'claude-haiku',
          deployments: [{ provider: 'anthropic-main', model: 'claude-3-5-haiku-20241022', weight: 1, priority: 0 }],
          fallbacks: [],
          strategy: 'weighted',
        },
      ],
      tenants: [
        {
          id: 'acme',
          budget: { monthlyUsd: 500 },
          keys: [{ key: 'env:ACME_KEY', rpm: 600, tpm: 200000, models: ['gpt-4o-mini', 'claude-haiku'] }],
        },
      ],
      plans: [],
      region: { peers: [], readiness: { minUsableModelShare: 0 }, spillover: { enabled: false } },
    };

    await expect(loadConfigFile(FIXTURE)).resolves.toEqual(expected);
  });

  it.each([
    ['an empty file', ''],
    ['empty sections', 'server:\nrouting:\nproviders:\nmodels:\ntenants:\n'],
  ])('gives every default for %s', (_, text) => {
    expect(parseConfig(text, 'switchyard.yaml')).toEqual({
      configOwnership: 'file',
      server: { port: 8080 },
      routing: DEFAULT_ROUTING,
      providers: [],
      models: [],
      tenants: [],
      plans: [],
      region: { peers: [], readiness: { minUsableModelShare: 0 }, spillover: { enabled: false } },
    });
  });

  it.each([
    ['a misspelt key', 'server: { prot: 8080 }', 'switchyard.yaml: server.prot: unknown key'],
    [
      'a misspelt key deep inside',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a, wieght: 3 }] }]`,
      'switchyard.yaml: models[0].deployments[0].wieght: unknown key',
    ],
    ['a wrong type', 'server: { port: "8080" }', 'switchyard.yaml: server.port: expected a number, got a string'],
    ['a number out of range', 'server: { port: 70000 }', 'switchyard.yaml: server.port: expected at most 65535, got 70000'],
    ['a fraction where an integer belongs', 'routing: { retries: 1.5 }', 'switchyard.yaml: routing.retries: expected an integer, got 1.5'],
    [
      'an unknown provider type',
      'providers: [{ id: p, type: opnai, baseUrl: https://x.test }]',
      'switchyard.yaml: providers[0].type: expected one of openai, azure-openai, openai-compatible, anthropic, gemini, got "opnai"',
    ],
    ['a missing field', 'providers: [{ id: p, type: openai }]', 'switchyard.yaml: providers[0].baseUrl: required'],
    [
      'a URL that is not http(s)',
      'providers: [{ id: p, type: openai, baseUrl: "ftp://x.test" }]',
      'switchyard.yaml: providers[0].baseUrl: expected an http(s) URL',
    ],
    [
      'a malformed env reference',
      'server: { adminToken: "env:ADMIN-TOKEN" }',
      'switchyard.yaml: server.adminToken: expected env:NAME with NAME a valid environment variable name',
    ],
    ['an id with spaces', 'tenants: [{ id: "acme corp" }]', 'switchyard.yaml: tenants[0].id: expected letters, digits, ".", "_" or "-", starting with a letter or digit'],
    ['a model without deployments', 'models: [{ name: m, deployments: [] }]', 'switchyard.yaml: models[0].deployments: expected at least 1 item'],
    [
      'a key model pattern that is not a string',
      'tenants: [{ id: acme, keys: [{ key: env:K, models: [gpt-4o, 3.5] }] }]',
      'switchyard.yaml: tenants[0].keys[0].models[1]: expected a string, got 3.5',
    ],
    ['a top level that is not a mapping', '- server', 'switchyard.yaml: expected a mapping, got a list'],
  ])('names the path of %s', (_, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });

  it.each([
    [
      'a deployment on an undeclared provider',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a }, { provider: x, model: b }] }]`,
      'switchyard.yaml: models[0].deployments[1].provider: unknown provider "x"',
    ],
    [
      'the same deployment twice',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a }, { provider: openai-main, model: a, weight: 2 }] }]`,
      'switchyard.yaml: models[0].deployments[1]: duplicate deployment of "a" on provider "openai-main" (first at models[0].deployments[0])',
    ],
    [
      'a fallback to an undeclared model',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a }], fallbacks: [claude-haiku] }]`,
      'switchyard.yaml: models[0].fallbacks[0]: unknown model "claude-haiku"',
    ],
    [
      'a fallback to the model itself',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a }], fallbacks: [m] }]`,
      'switchyard.yaml: models[0].fallbacks[0]: a model cannot fall back to itself',
    ],
    [
      'a context fallback to an undeclared model',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a }], contextWindow: 8000, contextFallback: big }]`,
      'switchyard.yaml: models[0].contextFallback: unknown model "big"',
    ],
    [
      'a context fallback without a context window',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a }], contextFallback: n }, { name: n, deployments: [{ provider: openai-main, model: b }] }]`,
      'switchyard.yaml: models[0].contextFallback: needs contextWindow: the prompt size that sends a request to it',
    ],
    [
      'a client IP range that is not one',
      `tenants: [{ id: acme, ips: [10.0.0.0/33] }]`,
      'switchyard.yaml: tenants[0].ips[0]: expected an IP address or CIDR range such as 10.0.0.0/8, got "10.0.0.0/33"',
    ],
    [
      'an unknown routing strategy',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a }], strategy: fastest }]`,
      'switchyard.yaml: models[0].strategy: expected one of weighted, least-inflight, lowest-latency, lowest-cost, got "fastest"',
    ],
    [
      'a duplicate provider id',
      'providers: [{ id: openai-main, type: openai, baseUrl: https://a.test }, { id: openai-main, type: openai, baseUrl: https://b.test }]',
      'switchyard.yaml: providers[1].id: duplicate provider id "openai-main" (first at providers[0])',
    ],
    [
      'a provider key listed twice',
      'providers: [{ id: p, type: openai, baseUrl: https://a.test, apiKeys: [env:SWITCHYARD_UPSTREAM_K1, env:SWITCHYARD_UPSTREAM_K1] }]',
      'switchyard.yaml: providers[0].apiKeys[1]: duplicate key env:SWITCHYARD_UPSTREAM_K1 (first at providers[0].apiKeys[0])',
    ],
    [
      'a duplicate model name',
      `${PROVIDERS}\nmodels: [{ name: m, deployments: [{ provider: openai-main, model: a }] }, { name: m, deployments: [{ provider: openai-main, model: b }] }]`,
      'switchyard.yaml: models[1].name: duplicate model name "m" (first at models[0])',
    ],
    [
      'a key shared by two tenants',
      'tenants: [{ id: a, keys: [{ key: env:SHARED }] }, { id: b, keys: [{ key: env:SHARED }] }]',
      'switchyard.yaml: tenants[1].keys[0].key: duplicate key env:SHARED (first at tenants[0].keys[0].key)',
    ],
    [
      'a duplicate tenant id',
      'tenants: [{ id: acme }, { id: acme }]',
      'switchyard.yaml: tenants[1].id: duplicate tenant id "acme" (first at tenants[0])',
    ],
    [
      'a first-token timeout longer than the total',
      'routing: { timeouts: { firstTokenMs: 700000 } }',
      'switchyard.yaml: routing.timeouts.firstTokenMs: must not exceed totalMs (600000)',
    ],
  ])('names the path of %s', (_, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });

  it('lists every problem, one per line', () => {
    const problems = problemsOf('server: { port: 0, extra: 1 }\nrouting: { retries: -1 }');

    expect(problems).toEqual([
      'switchyard.yaml: server.port: expected at least 1, got 0',
      'switchyard.yaml: server.extra: unknown key',
      'switchyard.yaml: routing.retries: expected at least 0, got -1',
    ]);
  });

  it('joins the problems into the message, one per line', () => {
    expect(() => parseConfig('server: { a: 1, b: 2 }', 'switchyard.yaml')).toThrow(
      'switchyard.yaml: server.a: unknown key\nswitchyard.yaml: server.b: unknown key',
    );
  });

  it.each([
    ['http:', '', 'http://api.test/v1', 'providers[0].baseUrl: http: is refused; use https (or set SWITCHYARD_OUTBOUND_ALLOW_HTTP=true)'],
    ['userinfo', 'https:', 'https://user:pw@api.test/v1', 'providers[0].baseUrl: credentials in the URL (user:password@) are refused; put the key in apiKeys'],
    ['a query string', 'https:', 'https://api.test/v1?key=abc', 'providers[0].baseUrl: a query string or fragment is refused; the gateway appends paths to the base URL'],
    ['the metadata address', 'https:', 'https://169.254.169.254/latest', 'providers[0].baseUrl: a cloud metadata address is never an upstream'],
    ['loopback', 'https:', 'https://127.0.0.1:8080', 'providers[0].baseUrl: a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
  ])('refuses a provider with %s under the default outbound policy', (_, __, url, expected) => {
    expect(problemsOf(`providers: [{ id: p, type: openai, baseUrl: "${url}" }]`)).toEqual([`switchyard.yaml: ${expected}`]);
  });

  it('refuses an upstream key read from a variable outside the prefix, such as the sealing keys', () => {
    expect(problemsOf('providers: [{ id: p, type: openai, baseUrl: "https://api.test", apiKeys: [env:SWITCHYARD_UPSTREAM_OK, env:SWITCHYARD_SECRET_KEYS] }]')).toEqual([
      'switchyard.yaml: providers[0].apiKeys[1]: env:SWITCHYARD_SECRET_KEYS is outside SWITCHYARD_OUTBOUND_ENV_PREFIX (SWITCHYARD_UPSTREAM_): upstream keys are read only from variables whose names start with it',
    ]);
  });

  it('accepts a plain-http private upstream where the operator allows both', () => {
    const text = 'providers: [{ id: vllm, type: openai-compatible, baseUrl: "http://10.0.0.5:8000/v1" }]';
    const outbound = { envPrefix: 'SWITCHYARD_UPSTREAM_', allowHttp: true, allowPrivate: true };

    expect(parseConfig(text, 'switchyard.yaml', { outbound }).providers[0]?.baseUrl).toBe('http://10.0.0.5:8000/v1');
    expect(() => parseConfig(text.replace('10.0.0.5', '169.254.169.254'), 'switchyard.yaml', { outbound })).toThrow('a cloud metadata address is never an upstream');
  });

  it('refuses a literal tenant key shorter than 32 characters, without echoing it', () => {
    const problems = problemsOf('tenants: [{ id: a, keys: [{ key: sk-short-secret }] }]');

    expect(problems).toEqual(['switchyard.yaml: tenants[0].keys[0].key: a key must be at least 32 characters (this one has 15); generate one, e.g. sk-$(openssl rand -hex 24)']);
    expect(problems.join()).not.toContain('sk-short-secret');
  });

  it('never echoes a literal key', () => {
    const problems = problemsOf('tenants: [{ id: a, keys: [{ key: sk-secret-0123456789abcdef0123456789 }, { key: sk-secret-0123456789abcdef0123456789 }] }]');

    expect(problems).toEqual(['switchyard.yaml: tenants[0].keys[1].key: duplicate key a literal value (first at tenants[0].keys[0].key)']);
  });

  it('points YAML syntax errors at line and column', () => {
    const [problem] = problemsOf('server:\n  port: 8080\n  port: 9090\n');

    expect(problem).toMatch(/^switchyard\.yaml:3:3: Map keys must be unique/);
  });

  it('names the file it cannot read', async () => {
    await expect(loadConfigFile('/nonexistent/switchyard.yaml')).rejects.toThrow(/^\/nonexistent\/switchyard\.yaml: cannot read the file \(ENOENT: no such file/);
  });
});
