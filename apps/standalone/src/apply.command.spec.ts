import type { ConfigChange } from '@switchyard/db';
import { RedisConfigChangeBus, type ConfigChangeBus, type ConfigTopic } from '@switchyard/queue';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { announceConfigChanges, runApplyCommand } from './apply.command';

// The command end to end against a throwaway Postgres database and Redis (db 13 is this
// suite's; pub/sub channels are shared by every db, so the suite only checks what it hears).
const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/13';
const ACME_KEY = 'sk-sy-acme-0123456789abcdef0123456789';

const FILE = `
providers:
  - { id: openai-main, type: openai, baseUrl: https://api.openai.com/v1, apiKeys: [env:SWITCHYARD_UPSTREAM_OPENAI_KEY_1] }
models:
  - name: gpt-4o-mini
    deployments: [{ provider: openai-main, model: gpt-4o-mini-2024-07-18 }]
tenants:
  - id: acme
    rpm: 600
    models: [gpt-4o-mini]
    keys:
      - { key: env:ACME_KEY, concurrency: 2, expiresAt: 2027-01-01T00:00:00Z }
`;

async function sql<T>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** 'in time' when `promise` settles within `ms`, else 'too late'. */
async function within(ms: number, promise: Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(resolve, ms, 'too late')));
  try {
    return await Promise.race([promise.then(() => 'in time'), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe(runApplyCommand.name, () => {
  const dbName = `sy_apply_cmd_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const dbUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
  const saved = { ...process.env };
  let dir: string;
  let file: string;
  let printed: string[];

  beforeAll(async () => {
    await sql(ADMIN_URL, `CREATE DATABASE "${dbName}"`);
    dir = await mkdtemp(join(tmpdir(), 'switchyard-apply-'));
    file = join(dir, 'switchyard.yaml');
    await writeFile(file, FILE);
    Object.assign(process.env, { DATABASE_URL: dbUrl, REDIS_URL, ACME_KEY, SWITCHYARD_UPSTREAM_OPENAI_KEY_1: 'sk-upstream-apply-spec' });
  });
  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
    await sql(ADMIN_URL, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  });
  beforeEach(() => {
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
  });
  afterEach(() => jest.restoreAllMocks());

  const count = async (table: string) => Number((await sql<{ n: string }>(dbUrl, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

  it('stops before the database when a tenant key\'s env: reference does not resolve, naming the variable and where', async () => {
    delete process.env['ACME_KEY'];
    try {
      await expect(runApplyCommand({ file, dryRun: false })).rejects.toThrow(`${file}: environment variable ACME_KEY is not set (needed by tenants[0].keys[0].key)`);
    } finally {
      process.env['ACME_KEY'] = ACME_KEY;
    }
    expect(printed).toEqual([]);
  });

  it('does not need the upstream keys\' variables, whose references it stores (a cluster hook Job has none)', async () => {
    delete process.env['SWITCHYARD_UPSTREAM_OPENAI_KEY_1'];
    try {
      await expect(runApplyCommand({ file, dryRun: true })).resolves.toBe(0);
    } finally {
      process.env['SWITCHYARD_UPSTREAM_OPENAI_KEY_1'] = 'sk-upstream-apply-spec';
    }
    printed = [];
  });

  it('with SWITCHYARD_ALLOW_UNRESOLVED_ENV, warns naming the variable and leaves an unresolvable tenant key out', async () => {
    const warned: string[] = [];
    jest.spyOn(console, 'warn').mockImplementation((line: string) => warned.push(line));
    Object.assign(process.env, { SWITCHYARD_ALLOW_UNRESOLVED_ENV: 'true' });
    delete process.env['ACME_KEY'];
    try {
      await runApplyCommand({ file, dryRun: true });
    } finally {
      Object.assign(process.env, { ACME_KEY });
      delete process.env['SWITCHYARD_ALLOW_UNRESOLVED_ENV'];
    }

    expect(warned[0]).toBe(`warning: ${file}: environment variable ACME_KEY is not set (needed by tenants[0].keys[0].key)`);
    expect(printed).toContain('+ tenant acme');
    expect(printed.some((line) => line.startsWith('+ key '))).toBe(false);
  });

  it('prints the diff of a dry run without writing anything or a secret', async () => {
    await runApplyCommand({ file, dryRun: true });

    expect(printed).toContain('+ tenant acme');
    expect(printed).toContain('    rpm: 600');
    expect(printed).toContain(`+ key acme/${ACME_KEY.slice(0, 12)}`);
    expect(printed).toContain('    expiresAt: "2027-01-01T00:00:00.000Z"');
    expect(printed.at(-1)).toBe('5 changes (dry run), 0 unchanged');
    expect(printed.join('\n')).not.toContain(ACME_KEY);
    expect([await count('tenants'), await count('virtual_keys'), await count('audit_logs')]).toEqual([0, 0, 0]);
  });

  it('applies the file and tells running replicas to reload keys and the catalogue', async () => {
    const replica = new RedisConfigChangeBus(REDIS_URL);
    try {
      const heard = new Set<ConfigTopic>();
      const both = new Promise<void>((resolve) =>
        replica.subscribe((topic) => {
          heard.add(topic);
          if (heard.has('keys') && heard.has('catalogue')) resolve();
        }),
      );
      await replica.ready();

      await runApplyCommand({ file, dryRun: false });

      await expect(within(1000, both)).resolves.toBe('in time');
    } finally {
      await replica.close();
    }
    expect(printed.at(-1)).toBe('5 changes, 0 unchanged');
    expect([await count('tenants'), await count('virtual_keys'), await count('audit_logs')]).toEqual([1, 1, 5]);
  });

  it('reports everything unchanged when applied again', async () => {
    await runApplyCommand({ file, dryRun: false });

    expect(printed).toEqual(['0 changes, 5 unchanged']);
    expect(await count('audit_logs')).toBe(5);
  });

  it('holds the file to the outbound policy of its environment, and warns about a literal upstream key stored unsealed', async () => {
    const local = join(dir, 'local.yaml');
    await writeFile(local, 'providers:\n  - { id: vllm, type: openai-compatible, baseUrl: "http://10.0.0.5:8000/v1", apiKeys: [sk-vllm-literal-secret] }\n');
    const warned: string[] = [];
    jest.spyOn(console, 'warn').mockImplementation((line: string) => warned.push(line));

    await expect(runApplyCommand({ file: local, dryRun: true })).rejects.toThrow(`${local}: providers[0].baseUrl: a private address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true`);
    Object.assign(process.env, { SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true', SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: 'true' });
    try {
      await runApplyCommand({ file: local, dryRun: true });
    } finally {
      delete process.env['SWITCHYARD_OUTBOUND_ALLOW_HTTP'];
      delete process.env['SWITCHYARD_OUTBOUND_ALLOW_PRIVATE'];
    }

    expect(printed).toContain('+ provider vllm');
    expect(warned).toEqual([
      'warning: provider "vllm": a literal upstream key will be stored unsealed (in clear) in the database; set SWITCHYARD_SECRET_KEYS to seal it, or use env:NAME',
    ]);
    expect([...printed, ...warned].join('\n')).not.toContain('sk-vllm-literal-secret');
  });
});

describe(announceConfigChanges.name, () => {
  const recorder = () => {
    const published: ConfigTopic[] = [];
    const bus: ConfigChangeBus = { publish: async (t) => void published.push(t), subscribe: () => undefined, close: async () => undefined };
    return { bus, published };
  };
  const change = (entity: ConfigChange['entity'], action: ConfigChange['action']): ConfigChange => ({ entity, id: 'x', action });

  it.each([
    ['a tenant or key change reloads keys', [change('tenant', 'update'), change('key', 'create')], ['keys']],
    ['a catalogue change reloads the catalogue', [change('price', 'update'), change('deployment', 'delete')], ['catalogue']],
    ['both kinds reload both, once each', [change('model', 'create'), change('key', 'update'), change('provider', 'update')], ['catalogue', 'keys']],
    ['nothing changed reloads nothing', [change('tenant', 'unchanged'), change('model', 'unchanged')], []],
  ])('%s', async (_, changes, topics) => {
    const { bus, published } = recorder();

    await expect(announceConfigChanges(changes, bus)).resolves.toEqual(topics);
    expect(published).toEqual(topics);
  });
});
