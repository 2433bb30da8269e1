import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { GATEWAY_SECRETS, PUBLIC_MODEL, writeGatewayConfig } from './support/gateway-config';
import { ROOT, RunningApp, freePort, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// The `switchyard` command as an operator runs it: the built bundle (dist/apps/standalone/main.js)
// as a child process, judged by its exit code and output (issue 19).

const ADMIN_TOKEN = 'cli-e2e-admin-token-0123456789abcdef0123';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs `switchyard ARGS` to completion: its exit code and its stdout and stderr together. */
async function switchyard(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const app = startApp('standalone', env, args);
  const code = await new Promise<number | null>((resolve) => {
    if (app.proc.exitCode !== null) resolve(app.proc.exitCode);
    else app.proc.once('exit', (c) => resolve(c));
  });
  return { code, output: app.output() };
}

/** True when something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs `switchyard ARGS` with its stdout a pipe whose reader has already gone (`| head` that
 * stopped reading): its exit code and what it wrote to stderr.
 */
async function intoClosedPipe(args: string[], bundle = 'dist/apps/standalone/main.js'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const proc = spawn(process.execPath, [join(ROOT, bundle), ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed before the bundle has even loaded: its first write finds no reader.
  proc.stdout.destroy();
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.once('close', (c, s) => resolve([c, s])));
  return { code, signal, stderr };
}

describe('switchyard CLI', () => {
  it.each([[['keys', 'create', '--help']], [['--help']], [['version']]])('exits quietly with 0 when its reader stops early: %j into a closed pipe', async (args) => {
    expect(await intoClosedPipe(args)).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it("the provider simulator's command line does the same: --help into a closed pipe", async () => {
    expect(await intoClosedPipe(['--help'], 'dist/tools/simulator.js')).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('--help lists every command and starts nothing', async () => {
    const port = await freePort();
    const { code, output } = await switchyard(['--help'], { PORT: String(port), HOST: '127.0.0.1' });

    expect(code).toBe(0);
    expect(output).toContain('Usage: switchyard [options] [command]');
    for (const command of ['serve', 'apply [options]', 'validate [options]', 'prices', 'keys', 'version', 'help [command]']) expect(output).toContain(command);
    expect(await listening(port)).toBe(false);
  });

  it('version prints the version of package.json', async () => {
    expect(await switchyard(['version'])).toEqual({ code: 0, output: `${VERSION}\n` });
  });

  it('a misspelt command (aply) prints the help and exits 2 without opening a port', async () => {
    const port = await freePort();
    const { code, output } = await switchyard(['aply', '-f', 'switchyard.yaml'], { PORT: String(port), HOST: '127.0.0.1' });

    expect(code).toBe(2);
    expect(output).toContain("error: unknown command 'aply'");
    expect(output).toContain('Usage: switchyard [options] [command]');
    expect(output).not.toContain('listening');
    expect(await listening(port)).toBe(false);
  });

  describe('validate', () => {
    const sim = 'http://127.0.0.1:9';
    it('exits 0 on a good file whose env: references resolve', async () => {
      const file = writeGatewayConfig(sim);
      const { code, output } = await switchyard(['validate', '-f', file], GATEWAY_SECRETS);

      expect(output).toBe(`${file}: valid (1 provider, 2 models, 1 tenant, 3 keys)\n`);
      expect(code).toBe(0);
    });

    it('exits 1 on a bad file, naming the missing variables and the misspelt vendor profile', async () => {
      const bad = join(dirname(writeGatewayConfig(sim)), 'bad.yaml');
      writeFileSync(bad, readFileSync(writeGatewayConfig(sim), 'utf8').replace('type: openai\n', 'type: openai-compatible\n    options: { vendor: deepsek }\n'));
      const vendor = await switchyard(['validate', '-f', bad], GATEWAY_SECRETS);
      const good = writeGatewayConfig(sim);
      const unset = await switchyard(['validate', '-f', good], { SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true', SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: 'true' });

      expect(vendor.code).toBe(1);
      expect(vendor.output).toContain(`${bad}: providers[0].options.vendor: unknown vendor profile "deepsek"; expected one of openai, azure, generic, deepseek`);
      expect(unset.code).toBe(1);
      expect(unset.output).toContain(`${good}: environment variable SWITCHYARD_UPSTREAM_SIM_KEY is not set (needed by providers[0].apiKeys[0])`);
      expect(unset.output).toContain(`${good}: environment variable ACME_KEY is not set (needed by tenants[0].keys[0].key)`);
    });
  });

  it('serve stops before listening when an env: reference does not resolve, naming the variable', async () => {
    const port = await freePort();
    const file = writeGatewayConfig('http://127.0.0.1:9');
    const { SWITCHYARD_UPSTREAM_SIM_KEY: _unset, ...secrets } = GATEWAY_SECRETS;
    const { code, output } = await switchyard(['serve'], { ...secrets, SWITCHYARD_CONFIG: file, PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_DATA_DIR: dirname(file) });

    expect(code).toBe(1);
    expect(output).toContain(`${file}: environment variable SWITCHYARD_UPSTREAM_SIM_KEY is not set (needed by providers[0].apiKeys[0])`);
    expect(output).toContain('SWITCHYARD_ALLOW_UNRESOLVED_ENV=true');
    expect(await listening(port)).toBe(false);
  });

  describe('against a running standalone', () => {
    let sim: ProviderSimulator;
    let app: RunningApp;
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let baseUrl = '';
    const admin = () => ['--url', baseUrl];
    const adminEnv = { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN };

    beforeAll(async () => {
      sim = await ProviderSimulator.start();
      db = await createTestDatabase('sy_cli');
      const port = await freePort();
      app = startApp('standalone', { ...GATEWAY_SECRETS, ...adminEnv, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' });
      baseUrl = `http://127.0.0.1:${port}`;
      await waitForReady(baseUrl, app);
    });

    afterAll(async () => {
      await app?.stop();
      await sim?.close();
      await db?.drop();
    });

    it('keys create prints a secret that the gateway takes; rotate and revoke act on it', async () => {
      const created = await switchyard(['keys', 'create', '--tenant', 'acme', '--name', 'cli', '--models', 'gpt-*', '--json', ...admin()], adminEnv);
      expect(created.code).toBe(0);
      const { key, secret } = JSON.parse(created.output) as { key: { id: string; name: string }; secret: string };
      expect(key.name).toBe('cli');
      const ask = (apiKey: string) => new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] });
      await expect(ask(secret)).resolves.toMatchObject({ object: 'chat.completion' });

      const rotated = await switchyard(['keys', 'rotate', key.id, '--tenant', 'acme', '--grace-seconds', '0', ...admin()], adminEnv);
      expect(rotated.code).toBe(0);
      expect(rotated.output).toContain(`rotated key ${key.id}`);
      const newSecret = rotated.output.trim().split('\n').at(-1) ?? '';
      expect(newSecret).toMatch(/^sk-sy-/);
      await expect(ask(newSecret)).resolves.toMatchObject({ object: 'chat.completion' });

      const revoked = await switchyard(['keys', 'revoke', key.id, '--tenant', 'acme', ...admin()], adminEnv);
      expect(revoked).toEqual({ code: 0, output: expect.stringContaining(`revoked key ${key.id}`) as unknown as string });
      await expect(ask(newSecret)).rejects.toMatchObject({ status: 401 });
    });

    it('keys without a token, or with a wrong one, fail naming what to fix', async () => {
      expect(await switchyard(['keys', 'revoke', 'k', '--tenant', 'acme', ...admin()])).toEqual({ code: 1, output: 'no admin token: set SWITCHYARD_ADMIN_TOKEN (or pass --token)\n' });
      const wrong = await switchyard(['keys', 'create', '--tenant', 'acme', '--token', 'wrong-token-0123456789abcdef0123456789', ...admin()]);
      expect(wrong.code).toBe(1);
      expect(wrong.output).toContain(': 401 ');
    });

    it('prices import adds the file\'s prices once; the same file again adds nothing', async () => {
      const file = join(dirname(writeGatewayConfig(sim.url)), 'prices.csv');
      writeFileSync(file, `model,inputPerMTok,outputPerMTok\n${PUBLIC_MODEL},1.5,6\nother-model,0.5,2\n`);

      const first = await switchyard(['prices', 'import', file, ...admin()], adminEnv);
      expect(first).toMatchObject({ code: 0 });
      expect(first.output.split('\n')).toEqual([`= price ${PUBLIC_MODEL} unchanged`, '+ price other-model: input 0.5, output 2 USD/Mtok, effective now', '1 price added, 1 unchanged', '']);
      const again = await switchyard(['prices', 'import', file, ...admin()], adminEnv);
      expect(again.output).toContain('0 prices added, 2 unchanged');
      const rows = await db.query<{ n: string }>("SELECT count(*) AS n FROM prices WHERE model_name = 'other-model'");
      expect(Number(rows[0]?.n)).toBe(1);
    });

    it('prices import refuses a file naming an unknown model, adding nothing', async () => {
      const file = join(dirname(writeGatewayConfig(sim.url)), 'prices.json');
      writeFileSync(file, JSON.stringify({ prices: [{ model: 'other-model', inputPerMTok: 9, outputPerMTok: 9 }, { model: 'no-such-model', inputPerMTok: 1, outputPerMTok: 1 }] }));

      const { code, output } = await switchyard(['prices', 'import', file, ...admin()], adminEnv);

      expect(code).toBe(1);
      expect(output).toContain(`${file}: unknown model "no-such-model"`);
      const rows = await db.query<{ n: string }>("SELECT count(*) AS n FROM prices WHERE input_per_mtok = 9");
      expect(Number(rows[0]?.n)).toBe(0);
    });
  });
});
