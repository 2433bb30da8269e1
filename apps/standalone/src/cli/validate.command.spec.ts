import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runValidateCommand } from './validate.command';

const TENANT_KEY = 'sk-validate-spec-0123456789abcdef0123';
const GOOD = `
providers:
  - { id: deepseek, type: openai-compatible, baseUrl: 'https://api.deepseek.com', apiKeys: [env:SWITCHYARD_UPSTREAM_DEEPSEEK_KEY], options: { vendor: deepseek } }
models:
  - { name: chat, deployments: [{ provider: deepseek, model: deepseek-chat }] }
tenants:
  - { id: acme, keys: [{ key: env:ACME_KEY }] }
`;
const ENV = { SWITCHYARD_UPSTREAM_DEEPSEEK_KEY: 'sk-upstream', ACME_KEY: TENANT_KEY };

describe(runValidateCommand.name, () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'switchyard-validate-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function validate(text: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string; file: string }> {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    let out = '';
    let err = '';
    const code = await runValidateCommand({ file }, { out: (t) => (out += t), err: (t) => (err += t) }, env);
    return { code, out, err, file };
  }

  it('passes a file whose references all resolve, counting what it declares', async () => {
    const { code, out, err, file } = await validate(GOOD, ENV);

    expect({ code, out, err }).toEqual({ code: 0, out: `${file}: valid (1 provider, 1 model, 1 tenant, 1 key)\n`, err: '' });
  });

  it('names every unresolved env: variable and where it is needed, and fails', async () => {
    const { code, err, file } = await validate(GOOD, {});

    expect(code).toBe(1);
    expect(err.split('\n')).toEqual([
      `${file}: environment variable SWITCHYARD_UPSTREAM_DEEPSEEK_KEY is not set (needed by providers[0].apiKeys[0])`,
      `${file}: environment variable ACME_KEY is not set (needed by tenants[0].keys[0].key)`,
      `${file}: 2 problems; not valid`,
      '',
    ]);
  });

  it('turns them into warnings under SWITCHYARD_ALLOW_UNRESOLVED_ENV, as a start would', async () => {
    const { code, err } = await validate(GOOD, { SWITCHYARD_ALLOW_UNRESOLVED_ENV: 'true' });

    expect(code).toBe(0);
    expect(err).toContain('warning: ');
    expect(err).toContain('environment variable ACME_KEY is not set');
  });

  it('warns that a tenant asking for audit body capture gets none without the secret box', async () => {
    const capturing = GOOD.replace('{ id: acme, keys:', '{ id: acme, audit: { captureBodies: true }, keys:');

    const { code, err } = await validate(capturing, ENV);

    expect(code).toBe(0);
    expect(err).toBe('warning: tenant "acme": audit.captureBodies is on, but request bodies are only kept sealed and SWITCHYARD_SECRET_KEYS is not set: none will be captured\n');
  });

  it('refuses an unknown vendor profile, listing the valid ones', async () => {
    const { code, err } = await validate(GOOD.replace('vendor: deepseek', 'vendor: deepsek'), ENV);

    expect(code).toBe(1);
    expect(err).toContain('providers[0].options.vendor: unknown vendor profile "deepsek"; expected one of openai, azure, generic, deepseek, qwen, ernie, moonshot, vllm, ollama');
  });

  it('checks resolved tenant keys as apply does: long enough, never twice', async () => {
    expect((await validate(GOOD, { ...ENV, ACME_KEY: 'sk-short' })).err).toContain('tenant "acme" key env:ACME_KEY is 8 characters long; keys must be at least 32');
    const twice = GOOD.replace('keys: [{ key: env:ACME_KEY }]', `keys: [{ key: env:ACME_KEY }, { key: ${TENANT_KEY} }]`);
    expect((await validate(twice, ENV)).err).toContain('is the same key as tenant "acme" key env:ACME_KEY');
  });

  it('checks the admin token the file names, unless SWITCHYARD_ADMIN_TOKEN replaces it', async () => {
    const withToken = `server: { adminToken: env:MY_ADMIN_TOKEN }\n${GOOD}`;

    expect((await validate(withToken, { ...ENV, MY_ADMIN_TOKEN: 'short' })).err).toContain('server.adminToken: the admin token must be at least 32 characters (this one has 5)');
    expect((await validate(withToken, { ...ENV, SWITCHYARD_ADMIN_TOKEN: 'a'.repeat(40) })).code).toBe(0);
  });

  it('reports the schema and cross-check problems of a malformed file, with their paths', async () => {
    const { code, err } = await validate('models:\n  - { name: chat, deployments: [{ provider: nowhere, model: m }] }\n', {});

    expect(code).toBe(1);
    expect(err).toContain('models[0].deployments[0].provider: unknown provider "nowhere"');
  });
});
